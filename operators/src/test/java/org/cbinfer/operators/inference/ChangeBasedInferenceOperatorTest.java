package org.cbinfer.operators.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator on a real Flink MiniCluster with the real PoseNet and real vtest.avi frames: two cameras
 * interleaved and processed in micro-batches of both, each camera's outputs equal to running the CPU backend on
 * that camera alone; a duplicate and a malformed frame are rejected with their reason (and the frame), a producer
 * restarting its numbering at 0 gets a keyframe, per-camera figures come out, and the job goes on. At parallelism 2
 * each subtask builds its backend on the device its index implies and reports it (gauge {@code gpuDevice}).
 */
class ChangeBasedInferenceOperatorTest {
    /** Keeps the metrics of finished jobs: the device test reads the subtasks' gauges after the job. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    private static final int SIZE = 385;
    private static final float THRESHOLD = 0.03f;

    @Test
    void eachCameraGetsTheOutputsOfItsOwnChangeBasedStreamAndBadFramesAreRejected() throws Exception {
        Path model = TestData.file("models/tfjs/posenet.json");
        byte[] all = Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
        int frameBytes = SIZE * SIZE * 3;
        List<CameraFrame> input = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            input.add(frame("cam-a", i, Arrays.copyOfRange(all, i * frameBytes, (i + 1) * frameBytes)));
            input.add(frame("cam-b", i, Arrays.copyOfRange(all, (9 - i) * frameBytes, (10 - i) * frameBytes)));
            if (i == 2) {
                input.add(frame("cam-a", 2, input.get(input.size() - 2).rgb()));  // duplicate sequence
                input.add(new CameraFrame("cam-b", 3, 0, SIZE, SIZE, new byte[100], "test#bad")); // truncated pixels
            }
        }
        // cam-b's producer restarts: sequence 0 again (frame 5 of the clip), a keyframe, not a duplicate
        input.add(frame("cam-b", 0, Arrays.copyOfRange(all, 5 * frameBytes, 6 * frameBytes)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);   // both cameras on one subtask: they share batches
        InferenceSettings settings = InferenceSettings.builder().model(model.toString())
                .thresholds(Thresholds.uniform(THRESHOLD)).cacheBudgetBytes(1L << 30)
                .batch(4, 60_000).figuresEvery(3, 60_000).build();
        SingleOutputStreamOperator<InferenceOutput> results = env.fromData(input).setParallelism(1)
                .keyBy(CameraFrame::camera)
                .transform("cbinfer", TypeInformation.of(InferenceOutput.class), new ChangeBasedInferenceOperator(settings));
        CloseableIterator<InferenceOutput> outIt = results.collectAsync();
        CloseableIterator<FrameRejection> rejIt = results.getSideOutput(ChangeBasedInferenceOperator.REJECTED).collectAsync();
        CloseableIterator<CameraFigures> figIt = results.getSideOutput(ChangeBasedInferenceOperator.FIGURES).collectAsync();
        env.execute("operator test");
        List<InferenceOutput> outputs = new ArrayList<>();
        outIt.forEachRemaining(outputs::add);
        List<FrameRejection> rejections = new ArrayList<>();
        rejIt.forEachRemaining(rejections::add);
        List<CameraFigures> figures = new ArrayList<>();
        figIt.forEachRemaining(figures::add);

        assertEquals(9, outputs.size(), "every good frame gives a result");
        assertTrue(outputs.stream().mapToInt(InferenceOutput::batchSize).max().orElse(0) == 2,
                "frames of the two cameras are processed together: " + outputs.stream().map(InferenceOutput::batchSize).toList());
        List<InferenceOutput> camB = outputs.stream().filter(o -> o.camera().equals("cam-b")).toList();
        InferenceOutput restarted = camB.get(camB.size() - 1);
        assertEquals(0, restarted.sequence());
        assertTrue(restarted.keyframe(), "a producer restart (sequence 0 again) is a keyframe");
        assertEquals(2, rejections.size(), "the duplicate and the malformed frame are rejected: " + rejections);
        assertTrue(rejections.stream().anyMatch(r -> r.camera().equals("cam-a") && r.reason().contains("duplicate")), rejections.toString());
        assertTrue(rejections.stream().anyMatch(r -> r.camera().equals("cam-b") && r.reason().contains("test#bad")), rejections.toString());
        assertTrue(rejections.stream().allMatch(r -> r.frame() != null && r.frame().sequence() == r.sequence()),
                "a rejection carries its frame");

        // figures: a window closes every 3 frames (processed or rejected) of a camera, the rest at the end of input
        long figureFrames = figures.stream().mapToLong(CameraFigures::frames).sum();
        long figureRejected = figures.stream().mapToLong(CameraFigures::rejected).sum();
        assertEquals(9, figureFrames, figures.toString());
        assertEquals(2, figureRejected, figures.toString());
        assertEquals(3, figures.stream().mapToLong(CameraFigures::keyframes).sum(), "first frames and the restart: " + figures);

        Backend reference = Backend.builder().graph(ModelFiles.load(model)).thresholds(Thresholds.uniform(THRESHOLD)).build();
        for (String camera : List.of("cam-a", "cam-b")) {
            BackendStream alone = reference.newStream();
            List<InferenceOutput> mine = outputs.stream().filter(o -> o.camera().equals(camera)).limit(4).toList();
            List<CameraFrame> frames = input.stream().filter(f -> f.camera().equals(camera) && f.rgb().length == frameBytes)
                    .filter(f -> !(camera.equals("cam-a") && f.sequence() == 2 && f != firstWithSequence(input, camera, 2)))
                    .toList();
            assertEquals(4, mine.size());
            for (int i = 0; i < 4; i++) {
                Map<String, Tensor> expected = reference.process(alone, ImageTensors.fromRgb(frames.get(i).rgb(), 0, SIZE, SIZE,
                        ImageTensors.Scale.PM1)).outputs();
                InferenceOutput got = mine.get(i);
                assertEquals(i == 0, got.keyframe(), camera + " frame " + i + " keyframe");
                if (i > 0) assertTrue(got.macs() < got.denseMacs(), "later frames are change-based");
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name).data(), got.outputs().get(name), camera + " frame " + i + " " + name);
                }
            }
        }
        assertFalse(outputs.isEmpty());
    }

    @Test
    void eachSubtaskTakesTheDeviceItsIndexImpliesAndReportsIt() throws Exception {
        byte[] all = Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
        byte[] rgb = Arrays.copyOf(all, SIZE * SIZE * 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // no GPU resource on the MiniCluster's TaskManager: the list decides (the CPU backend then ignores it)
        InferenceSettings settings = InferenceSettings.builder().model(TestData.file("models/tfjs/posenet.json").toString())
                .backend(BackendBuilder.Kind.CPU, List.of(4, 7), Precision.FP32).build();
        env.fromData(List.of(frame("cam-a", 0, rgb), frame("cam-b", 0, rgb))).setParallelism(1)
                .keyBy(CameraFrame::camera)
                .transform("cbinfer-devices", TypeInformation.of(InferenceOutput.class), new ChangeBasedInferenceOperator(settings))
                .sinkTo(new DiscardingSink<>());
        JobClient client = env.executeAsync("device assignment test");
        client.getJobExecutionResult().get();
        JobID job = client.getJobID();

        Map<String, Integer> bySubtask = new TreeMap<>();
        for (OperatorMetricGroup group : METRICS.findOperatorMetricGroups(job, "cbinfer-devices")) {
            Gauge<?> gauge = (Gauge<?>) METRICS.getMetricsByGroup(group).get("gpuDevice");
            bySubtask.put(group.getAllVariables().get("<subtask_index>"), ((Number) gauge.getValue()).intValue());
        }
        assertEquals(Map.of("0", 4, "1", 7), bySubtask, "subtask i uses devices[i mod 2]");
    }

    private static CameraFrame firstWithSequence(List<CameraFrame> frames, String camera, long seq) {
        return frames.stream().filter(f -> f.camera().equals(camera) && f.sequence() == seq).findFirst().orElseThrow();
    }

    private static CameraFrame frame(String camera, long seq, byte[] rgb) {
        return new CameraFrame(camera, seq, 1_000 * seq, SIZE, SIZE, rgb, "test#" + camera + "/" + seq);
    }
}
