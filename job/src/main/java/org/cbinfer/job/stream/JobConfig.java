package org.cbinfer.job.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.operators.inference.DeviceAssignment;

/**
 * The streaming job's configuration, read from YAML (see {@code conf/job.yaml}) with command-line
 * overrides {@code --set key.path=value}. Every field has a default except {@code model.path}.
 * {@link #load} validates and names the offending keys in its errors, all of them in one {@link ConfigException};
 * {@link #checkModel} loads the model too, for the commands that submit a job.
 */
public final class JobConfig {
    public Kafka kafka = new Kafka();
    public Topics topics = new Topics();
    public Source source = new Source();
    public Model model = new Model();
    public ThresholdConfig thresholds = new ThresholdConfig();
    public int keyframeEvery = 0;
    public long cacheBudgetBytes = 2L << 30;
    public BackendConfig backend = new BackendConfig();
    public Batch batch = new Batch();
    public Metrics metrics = new Metrics();
    public Checkpointing checkpointing = new Checkpointing();
    /** The job's parallelism; unset: Flink's ({@code flink run -p}, else {@code parallelism.default}). */
    public Integer parallelism;
    /** Test-only switches; all off by default. */
    public Testing testing = new Testing();

    public static final class Kafka {
        public String bootstrap = "localhost:9092";
        public String groupId = "cbinfer";
    }

    public static final class Topics {
        public String frames = "frames";
        public String results = "results";
        public String deadLetters = "dead-letters";
        /** Per-camera figures as JSON (see {@code metrics}); unset or empty: not written. */
        public String metrics;
    }

    /** What runs the model: the CPU reference or the CUDA backend. */
    public static final class BackendConfig {
        /** cpu, cuda or auto (CUDA when a GPU and the project's CUDA kernels are present, else the CPU). */
        public String kind = "auto";
        /** CUDA device index (every subtask), unless {@code devices} is set. */
        public int device = 0;
        /**
         * Comma-separated CUDA device indexes; subtask {@code i} uses {@code devices[i mod n]}. Unset: {@code device}.
         * Either way a TaskManager with the Flink external resource {@code gpu} uses that instead.
         */
        public String devices;
        /** fp32, tf32 or fp16 (the CPU computes fp32 only). */
        public String precision = "fp32";
        /**
         * Per-layer dense fallback: "none" (default: every layer change-based on every frame), one break-even
         * fraction in [0, 1] for every layer, or a fallback JSON file (as {@code bin/cbinfer bench --fallback
         * measure} reports it for a GPU).
         */
        public String fallback = "none";
    }

    /** Micro-batches: frames of different cameras processed together. */
    public static final class Batch {
        /** Most frames (each of another camera) in one batch; 1: every frame alone. */
        public int maxSize = 8;
        /** Longest a frame waits for its batch to fill (processing time). */
        public long maxWaitMs = 20;
    }

    /** Per-camera figures on {@code topics.metrics}: one JSON per camera every so many frames or seconds. */
    public static final class Metrics {
        public int everyFrames = 100;
        public long everySeconds = 10;
    }

    /** Where the source starts and whether it stops. */
    public static final class Source {
        /** committed (the group's offsets, else earliest), earliest or latest. */
        public String startingOffsets = "committed";
        /** Stop at the offsets that are latest when the job starts (the job then finishes). */
        public boolean bounded = false;
    }

    public static final class Model {
        public String path;
        /** pm1, unit or raw. */
        public String scale = "pm1";
        /** pose or segmentation. */
        public String kind = "pose";
    }

    public static final class ThresholdConfig {
        /** Used by layers without their own value. */
        @com.fasterxml.jackson.annotation.JsonProperty("default")
        public float defaultValue = 0f;
        /** Per-layer thresholds by layer name. */
        public Map<String, Float> layers = new LinkedHashMap<>();
        /** A thresholds JSON file (as written by the tuner); when set, default and layers must not be. */
        public String file;
    }

    public static final class Checkpointing {
        /**
         * Checkpoint interval; unset: Flink's {@code execution.checkpointing.interval}, else
         * {@link #DEFAULT_INTERVAL_MS} (exactly-once results are committed at checkpoints, so the job always has them).
         */
        public Long intervalMs;
        /**
         * Where checkpoints go (a file system URI or path; shared storage such as s3:// or hdfs:// on a cluster);
         * unset: Flink's {@code execution.checkpointing.dir}, else {@link #defaultDir()}. Always a file system: a
         * camera's state is megabytes, over the JobManager storage's 5 MB limit.
         */
        public String dir;
        public boolean exactlyOnce = true;
        public String transactionalIdPrefix = "cbinfer";

        public static final long DEFAULT_INTERVAL_MS = 10_000;

        /** Where checkpoints go when neither the job nor Flink says: the temporary directory of the JVM. */
        public static String defaultDir() {
            return Path.of(System.getProperty("java.io.tmpdir"), "cbinfer-checkpoints").toUri().toString();
        }
    }

    /** Test-only switches (failure injection for recovery tests); never set these in production. */
    public static final class Testing {
        /**
         * > 0: after this many results (per subtask of the results stream), once a checkpoint has completed,
         * the job's first attempt throws once ({@link StreamingJob.FailOnce}); restarts do not fail again.
         * 0 (default): off, the operator is not even in the graph.
         */
        public int failAfterFrames = 0;
    }

    /** A configuration that cannot be used; the message names the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }

        public ConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Reads {@code file} (null: defaults only), applies the {@code key.path=value} overrides in order,
     * validates.
     */
    public static JobConfig load(Path file, List<String> overrides) {
        ObjectNode tree;
        if (file == null) {
            tree = YAML.createObjectNode();
        } else {
            try {
                JsonNode n = YAML.readTree(Files.readAllBytes(file));
                if (n == null || n.isMissingNode() || n.isNull()) {
                    tree = YAML.createObjectNode();
                } else if (n instanceof ObjectNode o) {
                    tree = o;
                } else {
                    throw new ConfigException(file + ": the top level must be a mapping of sections");
                }
            } catch (JsonProcessingException e) {
                throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new ConfigException("cannot read config " + file + ": " + e.getMessage(), e);
            }
        }
        for (String o : overrides) applyOverride(tree, o);
        JobConfig c;
        List<String> unknown = new ArrayList<>();
        try {
            c = YAML.readerFor(JobConfig.class).withHandler(new UnknownKeys(unknown)).readValue(tree);
        } catch (JsonMappingException e) {
            String key = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String what = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                    ? "unknown key" : "bad value: " + e.getOriginalMessage();
            throw new ConfigException("config key '" + key + "': " + what, e);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config: " + e.getOriginalMessage(), e);
        } catch (IOException e) {  // reading a tree in memory: no I/O happens
            throw new ConfigException("config: " + e.getMessage(), e);
        }
        if (c == null) c = new JobConfig();
        List<String> errors = new ArrayList<>();
        for (String key : unknown) errors.add("config key '" + key + "': unknown key");
        errors.addAll(c.problems());
        if (errors.size() == 1) throw new ConfigException(errors.get(0));
        if (!errors.isEmpty()) throw new ConfigException(errors.size() + " config errors:\n  " + String.join("\n  ", errors));
        return c;
    }

    /** Collects unknown keys (with their section path) and skips them, so that one message can list them all. */
    private static final class UnknownKeys extends DeserializationProblemHandler {
        private final List<String> keys;

        UnknownKeys(List<String> keys) {
            this.keys = keys;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            List<String> path = new ArrayList<>();
            for (JsonStreamContext x = p.getParsingContext().getParent(); x != null; x = x.getParent()) {
                if (x.getCurrentName() != null) path.add(0, x.getCurrentName());
            }
            path.add(propertyName);
            keys.add(String.join(".", path));
            p.skipChildren();
            return true;
        }
    }

    /**
     * The topics {@code file} names, whatever the rest of it holds (e.g. a model not in place yet): what a cluster
     * creates before a job is submitted.
     */
    public static Topics topics(Path file) {
        try {
            JsonNode n = YAML.readTree(Files.readAllBytes(file));
            JsonNode t = n == null ? null : n.get("topics");
            Topics topics = t == null || t.isNull() ? new Topics() : YAML.treeToValue(t, Topics.class);
            return topics == null ? new Topics() : topics;
        } catch (IOException e) {
            throw new ConfigException("cannot read the topics of " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code a.b.c=value}: sets that key, creating sections; the value is read as a YAML scalar. */
    static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new ConfigException("override '" + override + "' must be key.path=value");
        String key = override.substring(0, eq).trim();
        String raw = override.substring(eq + 1);
        String[] parts = key.split("\\.", -1);
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) throw new ConfigException("override key '" + key + "' has an empty part");
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!(child instanceof ObjectNode)) {
                throw new ConfigException("override key '" + key + "': '" + parts[i] + "' is not a section");
            }
            node = (ObjectNode) child;
        }
        JsonNode value;
        try {
            value = raw.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            value = YAML.getNodeFactory().textNode(raw);
        }
        if (value == null || value.isMissingNode()) value = YAML.getNodeFactory().nullNode();
        node.set(parts[parts.length - 1], value);
    }

    /** Every invalid value, one message each naming its key; empty when the configuration is valid. */
    List<String> problems() {
        if (kafka == null || topics == null || source == null || model == null || thresholds == null
                || checkpointing == null || backend == null || batch == null || metrics == null || testing == null) {
            return List.of("config: a section is empty (null)");
        }
        List<String> errors = new ArrayList<>();
        List<Runnable> checks = List.of(
                () -> nonBlank(kafka.bootstrap, "kafka.bootstrap"),
                () -> nonBlank(kafka.groupId, "kafka.groupId"),
                () -> nonBlank(topics.frames, "topics.frames"),
                () -> nonBlank(topics.results, "topics.results"),
                () -> nonBlank(topics.deadLetters, "topics.deadLetters"),
                () -> require(List.of("committed", "earliest", "latest").contains(source.startingOffsets), "source.startingOffsets",
                        "must be committed, earliest or latest, got '" + source.startingOffsets + "'"),
                () -> {
                    nonBlank(model.path, "model.path");
                    require(Files.isRegularFile(Path.of(model.path)), "model.path", "no such file: " + model.path);
                },
                this::scale,
                () -> require(List.of("pose", "segmentation").contains(model.kind), "model.kind",
                        "must be pose or segmentation, got '" + model.kind + "'"),
                () -> require(Float.isFinite(thresholds.defaultValue) && thresholds.defaultValue >= 0, "thresholds.default",
                        "must be a finite number >= 0, got " + thresholds.defaultValue),
                () -> {
                    if (thresholds.layers == null) thresholds.layers = new LinkedHashMap<>();
                    thresholds.layers.forEach((layer, t) -> require(t != null && Float.isFinite(t) && t >= 0,
                            "thresholds.layers." + layer, "must be a finite number >= 0, got " + t));
                },
                () -> {
                    if (thresholds.file == null) return;
                    require(thresholds.layers.isEmpty() && thresholds.defaultValue == 0f, "thresholds.file",
                            "give either a thresholds file or thresholds.default/layers, not both");
                    require(Files.isRegularFile(Path.of(thresholds.file)), "thresholds.file", "no such file: " + thresholds.file);
                },
                () -> require(keyframeEvery >= 0, "keyframeEvery", "must be >= 0 (0: keyframes only on first sight), got " + keyframeEvery),
                () -> require(cacheBudgetBytes > 0, "cacheBudgetBytes", "must be > 0, got " + cacheBudgetBytes),
                this::backendKind,
                this::precision,
                this::fallback,
                () -> require(backend.device >= 0, "backend.device", "must be >= 0, got " + backend.device),
                this::devices,
                () -> require(batch.maxSize >= 1, "batch.maxSize", "must be >= 1, got " + batch.maxSize),
                () -> require(batch.maxWaitMs >= 0, "batch.maxWaitMs", "must be >= 0, got " + batch.maxWaitMs),
                () -> require(metrics.everyFrames >= 1, "metrics.everyFrames", "must be >= 1, got " + metrics.everyFrames),
                () -> require(metrics.everySeconds >= 1, "metrics.everySeconds", "must be >= 1, got " + metrics.everySeconds),
                () -> require(checkpointing.intervalMs == null || checkpointing.intervalMs >= 10,
                        "checkpointing.intervalMs", "must be >= 10 ms, got " + checkpointing.intervalMs),
                () -> require(checkpointing.dir == null || !checkpointing.dir.isBlank(), "checkpointing.dir",
                        "must not be blank (leave it out to use Flink's execution.checkpointing.dir)"),
                () -> {
                    if (checkpointing.exactlyOnce) nonBlank(checkpointing.transactionalIdPrefix, "checkpointing.transactionalIdPrefix");
                },
                () -> require(parallelism == null || parallelism >= 1, "parallelism", "must be >= 1, got " + parallelism),
                () -> require(testing.failAfterFrames >= 0, "testing.failAfterFrames", "must be >= 0 (0: off), got " + testing.failAfterFrames));
        for (Runnable check : checks) {
            try {
                check.run();
            } catch (ConfigException | InvalidPathException e) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /**
     * Loads the model and builds a CPU backend with the thresholds and the dense fallback (which must name its
     * layers): the errors a task would otherwise meet after submission, where no restart can help.
     *
     * @throws ConfigException naming the key and the model's error
     */
    public void checkModel() {
        Graph graph;
        try {
            graph = ModelFiles.load(Path.of(model.path));
        } catch (IOException | ModelException e) {
            throw new ConfigException("config key 'model.path': cannot load " + model.path + ": " + e.getMessage(), e);
        }
        try (Backend b = Backend.builder().graph(graph).thresholds(thresholdValues()).denseFallback(fallback()).build()) {
            b.name();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config: thresholds or fallback do not fit the model " + model.path + ": " + e.getMessage(), e);
        }
    }

    public BackendBuilder.Kind backendKind() {
        try {
            return BackendBuilder.Kind.parse(String.valueOf(backend.kind));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'backend.kind': " + e.getMessage());
        }
    }

    public Precision precision() {
        try {
            return Precision.parse(String.valueOf(backend.precision));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'backend.precision': " + e.getMessage());
        }
    }

    /** The dense fallback named by {@code backend.fallback}. */
    public DenseFallback fallback() {
        String v = backend.fallback == null ? "none" : backend.fallback.trim();
        try {
            return DenseFallback.parse(v, DenseFallback.DEFAULT_PROBE_EVERY);
        } catch (IOException | InvalidPathException e) {
            throw unreadable(v, e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'backend.fallback': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw unreadable(v, e);
        }
    }

    private static ConfigException unreadable(String value, Exception e) {
        return new ConfigException("config key 'backend.fallback': none, a break-even fraction or a fallback file, got '"
                + value + "': " + e.getMessage(), e);
    }

    /**
     * The device list the operator's subtasks spread over when the TaskManager has no GPU external resource:
     * {@code backend.devices}, else {@code backend.device} alone.
     */
    public List<Integer> devices() {
        if (backend.devices == null) return List.of(backend.device);
        try {
            return DeviceAssignment.parseList(backend.devices);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'backend.devices': " + e.getMessage(), e);
        }
    }

    /** True when per-camera figures are written ({@code topics.metrics} set). */
    public boolean cameraMetrics() {
        return topics.metrics != null && !topics.metrics.isBlank();
    }

    /** The input scaling named by {@code model.scale}. */
    public ImageTensors.Scale scale() {
        try {
            return ImageTensors.Scale.valueOf(model.scale.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("config key 'model.scale': must be pm1, unit or raw, got '" + model.scale + "'");
        }
    }

    /** The thresholds: from {@code thresholds.file}, else default + per-layer values. */
    public Thresholds thresholdValues() {
        if (thresholds.file != null) {
            try {
                return Thresholds.read(Path.of(thresholds.file));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("config key 'thresholds.file': cannot read " + thresholds.file + ": " + e.getMessage(), e);
            }
        }
        return Thresholds.of(thresholds.defaultValue, thresholds.layers);
    }

    public boolean pose() {
        return "pose".equals(model.kind);
    }

    private static void nonBlank(String v, String key) {
        require(v != null && !v.isBlank(), key, "is required");
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) throw new ConfigException("config key '" + key + "': " + message);
    }
}
