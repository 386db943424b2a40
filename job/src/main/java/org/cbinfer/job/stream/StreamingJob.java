package org.cbinfer.job.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameProblem;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.kafka.FrameSinks;
import org.cbinfer.connectors.kafka.FrameSources;
import org.cbinfer.connectors.kafka.FrameStreams;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.typeinfo.FrameTypes;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.operators.inference.CameraFigures;
import org.cbinfer.operators.inference.CameraFrame;
import org.cbinfer.operators.inference.ChangeBasedInferenceOperator;
import org.cbinfer.operators.inference.InferenceOutput;
import org.cbinfer.operators.inference.InferenceSettings;
import org.cbinfer.operators.post.FrameGeometry;
import org.cbinfer.operators.post.LabelMapper;
import org.cbinfer.operators.post.PoseDecoder;
import org.cbinfer.operators.post.PoseNetOutputs;
import org.cbinfer.operators.post.ResultJson;

/**
 * The streaming job: Kafka frames -> split/decode (dead letters) -> per-camera change-based inference
 * -> result JSON (skeletons or label maps, with stats) -> Kafka results (exactly-once when configured);
 * source, decode, operator-rejected and post-processing failures -> Kafka dead letters.
 *
 * <p>{@code flink run ... --config conf/job.yaml [--set key.path=value ...]} ({@link #main}) or
 * {@code bin/cbinfer job --config conf/job.yaml} ({@link JobCommand}).
 */
public final class StreamingJob {
    private StreamingJob() {}

    /** One result: the camera (Kafka key), the capture time (record timestamp) and the JSON. */
    public record Result(String camera, long captureTime, byte[] json) {}

    /** The shaded jar's entry point ({@code flink run}, {@code bin/cbinfer submit}): {@link JobArguments}. */
    public static void main(String[] args) throws Exception {
        execute(JobArguments.parse(args).load());
    }

    public static void execute(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("cbinfer " + config.topics.frames + " -> " + config.topics.results);
    }

    /**
     * Adds the job's pipeline to {@code env}: parallelism and checkpointing (what the job config sets, else what
     * Flink's configuration and {@code flink run} flags say), sources, operators, sinks.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        ReadableConfig flink = env.getConfiguration();
        if (config.parallelism != null) env.setParallelism(config.parallelism);
        env.enableCheckpointing(config.checkpointing.intervalMs != null ? config.checkpointing.intervalMs
                : flink.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).map(Duration::toMillis)
                        .orElse(JobConfig.Checkpointing.DEFAULT_INTERVAL_MS));
        // the JobManager's memory storage takes 5 MB per operator state; one camera of PoseNet holds more
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointing.dir != null
                ? config.checkpointing.dir
                : flink.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).orElseGet(JobConfig.Checkpointing::defaultDir));
        env.configure(storage);
        String bootstrap = config.kafka.bootstrap;

        FrameSources.Builder sb = FrameSources.kafka(bootstrap, config.topics.frames, config.kafka.groupId);
        switch (config.source.startingOffsets) {
            case "earliest" -> sb.fromEarliest();
            case "latest" -> sb.fromLatest();
            default -> sb.startingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        if (config.source.bounded) sb.bounded(OffsetsInitializer.latest());
        DataStream<Incoming> in = env.fromSource(sb.build(), FrameSources.watermarks(Duration.ofSeconds(1)), "frames")
                .uid("frames-source");

        FrameStreams split = FrameStreams.split(in);
        split.frames().uid("split-frames");
        SingleOutputStreamOperator<CameraFrame> cameraFrames = CameraFrameConversions.decode(split.frames(), FrameLimits.DEFAULT);

        InferenceSettings settings = InferenceSettings.builder()
                .model(Path.of(config.model.path).toAbsolutePath().toString())
                .scale(config.scale())
                .thresholds(config.thresholdValues()).fallback(config.fallback())
                .keyframeEvery(config.keyframeEvery)
                .cacheBudgetBytes(config.cacheBudgetBytes)
                .backend(config.backendKind(), config.devices(), config.precision())
                .batch(config.batch.maxSize, config.batch.maxWaitMs)
                .figuresEvery(config.metrics.everyFrames, config.metrics.everySeconds * 1000)
                .build();
        SingleOutputStreamOperator<InferenceOutput> inferred = cameraFrames
                .keyBy(CameraFrame::camera)
                .transform("change-based-inference", TypeInformation.of(InferenceOutput.class),
                        new ChangeBasedInferenceOperator(settings))
                .uid("change-based-inference");
        DataStream<DeadLetter> rejected = inferred.getSideOutput(ChangeBasedInferenceOperator.REJECTED)
                .map(CameraFrameConversions::toDeadLetter)
                .returns(FrameTypes.DEAD_LETTER)
                .name("rejected-to-dead-letters").uid("rejected-to-dead-letters");

        SingleOutputStreamOperator<Result> results = inferred
                .process(new PostProcess(config.pose()))
                .returns(TypeInformation.of(Result.class))
                .name("post-process").uid("post-process");

        FrameSinks.Builder<Result> resultSink = FrameSinks.results(bootstrap, config.topics.results, Result::camera)
                .json(Result::json)
                .timestamp(Result::captureTime);
        FrameSinks.Builder<DeadLetter> deadLetterSink = FrameSinks.deadLetters(bootstrap, config.topics.deadLetters);
        if (config.checkpointing.exactlyOnce) {
            resultSink.exactlyOnce(config.checkpointing.transactionalIdPrefix + "-results");
            deadLetterSink.exactlyOnce(config.checkpointing.transactionalIdPrefix + "-dead-letters");
        }
        DataStream<Result> toSink = results;
        if (config.testing.failAfterFrames > 0) {
            toSink = results.map(new FailOnce<Result>(config.testing.failAfterFrames))
                    .returns(TypeInformation.of(Result.class))
                    .name("testing-fail-once").uid("testing-fail-once");
        }
        toSink.sinkTo(resultSink.build()).name("results-sink").uid("results-sink");
        if (config.cameraMetrics()) {
            // per-camera figures are monitoring, not results: at least once, outside the transactions
            inferred.getSideOutput(ChangeBasedInferenceOperator.FIGURES)
                    .sinkTo(FrameSinks.results(bootstrap, config.topics.metrics, CameraFigures::camera)
                            .json(FiguresJson::toBytes).build())
                    .name("camera-metrics-sink").uid("camera-metrics-sink");
        }
        split.deadLetters()
                .union(cameraFrames.getSideOutput(FrameStreams.DEAD_LETTERS), rejected,
                        results.getSideOutput(FrameStreams.DEAD_LETTERS))
                .sinkTo(deadLetterSink.build()).name("dead-letters-sink").uid("dead-letters-sink");
    }

    /**
     * Failure injection for recovery tests ({@code testing.failAfterFrames}): passes records through; in the
     * job's first attempt, once more than {@code after} records went through and a checkpoint has completed,
     * throws once. Later attempts (after the restart) never throw. {@link #FAILURES} counts the throws in
     * this JVM (MiniCluster tests).
     */
    static final class FailOnce<T> extends RichMapFunction<T, T> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger FAILURES = new AtomicInteger();
        private final int after;
        private transient int seen;
        private transient boolean checkpointed;

        FailOnce(int after) {
            this.after = after;
        }

        @Override
        public T map(T value) {
            if (++seen > after && checkpointed && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("testing.failAfterFrames: injected failure after " + (seen - 1) + " records");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    /** Network outputs to result JSON; outputs that do not decode go to the dead letters. */
    static final class PostProcess extends ProcessFunction<InferenceOutput, Result> {
        private static final long serialVersionUID = 1L;
        private final boolean pose;
        private transient PoseDecoder poseDecoder;
        private transient LabelMapper labelMapper;

        PostProcess(boolean pose) {
            this.pose = pose;
        }

        @Override
        public void processElement(InferenceOutput o, Context ctx, Collector<Result> out) {
            byte[] json;
            try {
                json = json(o);
            } catch (RuntimeException e) {
                byte[] key = o.camera().getBytes(StandardCharsets.UTF_8);
                ctx.output(FrameStreams.DEAD_LETTERS, new DeadLetter(o.camera(), key, null,
                        List.of(new DeadLetter.Header(FrameHeaders.SEQUENCE,
                                Long.toString(o.sequence()).getBytes(StandardCharsets.UTF_8))),
                        null, o.captureTimeMillis(), FrameProblem.INTERNAL,
                        "post-processing frame " + o.sequence() + " failed: " + e));
                return;
            }
            // outside the try: a failure of a chained downstream operator (the sink's writer) must fail the
            // task (and be recovered from the checkpoint), not turn a good result into a dead letter
            out.collect(new Result(o.camera(), o.captureTimeMillis(), json));
        }

        byte[] json(InferenceOutput o) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            o.outputs().forEach((name, data) -> tensors.put(name, Tensor.of(o.shapes().get(name), data)));
            ResultJson.Builder b = ResultJson.builder()
                    .camera(o.camera())
                    .sequence(o.sequence())
                    .captureTime(Instant.ofEpochMilli(o.captureTimeMillis()))
                    .model(o.model());
            if (pose) {
                if (poseDecoder == null) poseDecoder = new PoseDecoder();
                PoseNetOutputs p = PoseNetOutputs.fromNamed(tensors);
                int stride = poseDecoder.config().outputStride();
                // the operator feeds the frame as it is: input pixels are frame pixels
                b.skeletons(poseDecoder.decode(p, FrameGeometry.unscaled((p.width() - 1) * stride + 1,
                        (p.height() - 1) * stride + 1)));
            } else {
                if (labelMapper == null) labelMapper = LabelMapper.forProbabilities();
                if (tensors.size() != 1) {
                    throw new IllegalArgumentException("a segmentation model needs exactly one output, got " + tensors.keySet());
                }
                b.labelMap(labelMapper.map(tensors.values().iterator().next()));
            }
            ObjectNode stats = JsonNodeFactory.instance.objectNode();
            stats.put("keyframe", o.keyframe());
            stats.put("changedFraction", o.changedFraction());
            stats.put("macs", o.macs());
            stats.put("denseMacs", o.denseMacs());
            stats.put("workFraction", o.denseMacs() == 0 ? 0.0 : o.macs() / (double) o.denseMacs());
            stats.put("latencyMs", o.processingNanos() / 1e6);
            stats.put("batchSize", o.batchSize());
            return b.stats(stats).toBytes();
        }
    }
}
