package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path m = tmp.resolve("model.json");
        if (!Files.exists(m)) Files.writeString(m, "{}");
        return m;
    }

    private Path yaml(String text) throws Exception {
        Path y = Files.createTempFile(tmp, "job", ".yaml");
        Files.writeString(y, text);
        return y;
    }

    @Test
    void defaultsFileAndOverrides() throws Exception {
        Path y = yaml("model:\n  path: " + model() + "\nthresholds:\n  default: 0.01\n  layers: {conv1: 0.05}\n");
        JobConfig c = JobConfig.load(y, List.of("kafka.bootstrap=broker:9093", "checkpointing.exactlyOnce=false",
                "model.scale=unit", "thresholds.layers.conv2=0.5", "parallelism=4"));
        assertEquals("broker:9093", c.kafka.bootstrap);
        assertEquals("cbinfer", c.kafka.groupId);
        assertEquals("frames", c.topics.frames);
        assertEquals("dead-letters", c.topics.deadLetters);
        assertEquals(false, c.checkpointing.exactlyOnce);
        assertEquals(ImageTensors.Scale.UNIT, c.scale());
        assertEquals(4, c.parallelism);
        assertNull(c.checkpointing.intervalMs, "unset: Flink's execution.checkpointing.interval");
        assertEquals(0.01f, c.thresholdValues().defaultValue());
        assertEquals(0.05f, c.thresholdValues().of("conv1"));
        assertEquals(0.5f, c.thresholdValues().of("conv2"));
        assertEquals(0.01f, c.thresholdValues().of("other"));
    }

    @Test
    void errorsNameTheKey() throws Exception {
        Path y = yaml("model:\n  path: " + model() + "\n");
        assertMessage("'model.path': is required", () -> JobConfig.load(yaml("kafka: {groupId: g}\n"), List.of()));
        assertMessage("'kafka.bootstrapp': unknown key", () -> JobConfig.load(y, List.of("kafka.bootstrapp=x")));
        assertMessage("'model.kind': must be pose or segmentation", () -> JobConfig.load(y, List.of("model.kind=detect")));
        assertMessage("'model.scale': must be pm1", () -> JobConfig.load(y, List.of("model.scale=half")));
        assertMessage("'parallelism': bad value", () -> JobConfig.load(y, List.of("parallelism=many")));
        assertMessage("'parallelism': must be >= 1", () -> JobConfig.load(y, List.of("parallelism=0")));
        assertMessage("'thresholds.layers.conv1': must be a finite number", () -> JobConfig.load(y,
                List.of("thresholds.layers.conv1=-1")));
        assertMessage("'checkpointing.transactionalIdPrefix': is required", () -> JobConfig.load(y,
                List.of("checkpointing.transactionalIdPrefix=")));
        assertMessage("must be key.path=value", () -> JobConfig.load(y, List.of("parallelism")));
        assertMessage("'backend.kind': unknown backend 'tpu'", () -> JobConfig.load(y, List.of("backend.kind=tpu")));
        assertMessage("'backend.precision': unknown precision 'int8'", () -> JobConfig.load(y, List.of("backend.precision=int8")));
        assertMessage("'batch.maxSize': must be >= 1", () -> JobConfig.load(y, List.of("batch.maxSize=0")));
        assertMessage("'checkpointing.dir': must not be blank", () -> JobConfig.load(y, List.of("checkpointing.dir=")));
        assertMessage("'backend.devices': device list '0,gpu1': 'gpu1' is not a device index",
                () -> JobConfig.load(y, List.of("backend.devices=0,gpu1")));
        assertMessage("'backend.devices': device list '1,-2': '-2' is not a device index",
                () -> JobConfig.load(y, List.of("backend.devices=1,-2")));
        assertMessage("'backend.devices': an empty device list", () -> JobConfig.load(y, List.of("backend.devices=")));
    }

    @Test
    void everyUnknownKeyAndInvalidValueIsReportedInOneMessage() throws Exception {
        Path y = yaml("model:\n  path: " + model() + "\n  kindd: pose\nkafka:\n  bootstrapp: x\nbatch:\n  maxSize: 0\n"
                + "parallelism: 0\n");
        JobConfig.ConfigException e = assertThrows(JobConfig.ConfigException.class, () -> JobConfig.load(y, List.of("backend.kind=tpu")));
        String m = e.getMessage();
        assertTrue(m.startsWith("5 config errors:"), m);
        for (String part : List.of("'model.kindd': unknown key", "'kafka.bootstrapp': unknown key", "'batch.maxSize': must be >= 1",
                "'parallelism': must be >= 1", "'backend.kind': unknown backend 'tpu'")) {
            assertTrue(m.contains(part), part + " missing from: " + m);
        }
    }

    @Test
    void theModelCheckRefusesAModelThatCannotBeLoadedOrDoesNotFitItsThresholds() throws Exception {
        Path posenet = TestData.file("models/tfjs/posenet.json");
        Path truncated = tmp.resolve("truncated.json");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(posenet), 200));
        JobConfig cut = JobConfig.load(yaml("model:\n  path: " + truncated + "\n"), List.of());
        RuntimeException e = assertThrows(RuntimeException.class, cut::checkModel);
        assertTrue(e.getMessage().contains(truncated.toString()) || e.getMessage().contains("truncated.json"), e.getMessage());

        JobConfig wrongLayer = JobConfig.load(yaml("model:\n  path: " + posenet + "\nthresholds:\n  layers: {no_such_layer: 0.1}\n"),
                List.of());
        assertMessage("no_such_layer", wrongLayer::checkModel);

        JobConfig good = JobConfig.load(yaml("model:\n  path: " + posenet + "\n"), List.of());
        good.checkModel();
    }

    @Test
    void topicsAreReadWhateverTheRestHolds() throws Exception {
        Path y = yaml("model:\n  path: /nowhere/model.json\ntopics:\n  frames: in\n  metrics: figures\n");
        JobConfig.Topics t = JobConfig.topics(y);
        assertEquals("in", t.frames);
        assertEquals("results", t.results);
        assertEquals("figures", t.metrics);
    }

    @Test
    void deviceListDefaultsToTheSingleDevice() throws Exception {
        Path y = yaml("model:\n  path: " + model() + "\nbackend:\n  device: 2\n");
        assertEquals(List.of(2), JobConfig.load(y, List.of()).devices());
        assertEquals(List.of(0, 1, 2, 3), JobConfig.load(y, List.of("backend.devices=0,1,2,3")).devices());
        assertEquals(List.of(3), JobConfig.load(y, List.of("backend.devices=3")).devices(), "a single index (a YAML number)");
        assertEquals(List.of(1, 0), JobConfig.load(yaml("model:\n  path: " + model() + "\nbackend:\n  devices: 1, 0\n"),
                List.of()).devices());
    }

    @Test
    void theDenseFallbackIsNoneAFractionOrAFile() throws Exception {
        Path y = yaml("model:\n  path: " + model() + "\n");
        assertEquals(DenseFallback.NONE, JobConfig.load(y, List.of()).fallback());
        assertEquals(0.7, JobConfig.load(y, List.of("backend.fallback=0.7")).fallback().breakEven("any layer"));
        Path file = tmp.resolve("fallback.json");
        DenseFallback.of(1.0, java.util.Map.of("conv1", 0.2)).probeEvery(5).write(file);
        DenseFallback read = JobConfig.load(y, List.of("backend.fallback=" + file)).fallback();
        assertEquals(0.2, read.breakEven("conv1"));
        assertEquals(5, read.probeEvery());
        assertMessage("'backend.fallback': break-even of default must be in [0, 1]",
                () -> JobConfig.load(y, List.of("backend.fallback=1.5")));
        assertMessage("'backend.fallback': none, a break-even fraction or a fallback file, got 'nope.json'",
                () -> JobConfig.load(y, List.of("backend.fallback=nope.json")));
    }

    @Test
    void exampleConfigIsValid() {
        Path example = Path.of("../conf/job.yaml");
        JobConfig c = JobConfig.load(example, List.of("model.path=" + example)); // any existing file for the model
        assertEquals("pose", c.model.kind);
        assertEquals(true, c.checkpointing.exactlyOnce);
        assertEquals(BackendBuilder.Kind.AUTO, c.backendKind());
        assertEquals(Precision.FP32, c.precision());
        assertEquals(DenseFallback.NONE, c.fallback());
        assertEquals(8, c.batch.maxSize);
        assertEquals("camera-metrics", c.topics.metrics);
        assertTrue(c.cameraMetrics());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        JobConfig.ConfigException ex = assertThrows(JobConfig.ConfigException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
