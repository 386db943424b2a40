package org.cbinfer.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml agrees with the build and with conf/: image tags with the root pom's versions, ports
 * and host names with conf/compose/flink-config.yaml, Kafka listeners with what the services connect to,
 * topics with conf/job.yaml, every /cbinfer path a service uses with a volume that holds it, the GPU
 * reservation with the Flink GPU resource. (CI also runs {@code docker-compose config} on the file.)
 */
class ComposeFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path home;
    private static JsonNode services;
    private static Map<String, String> flinkConf;

    @BeforeAll
    static void load() throws Exception {
        home = LocalCluster.home();
        // SnakeYAML resolves the anchors and merge keys (<<: *flink) the file uses
        services = JSON.valueToTree(new Yaml().load(Files.readString(home.resolve("docker-compose.yml")))).path("services");
        flinkConf = flatten(JSON.valueToTree(new Yaml().load(Files.readString(home.resolve("conf/compose/flink-config.yaml")))));
    }

    @Test
    void imageTagsAreTheBuildsVersions() throws Exception {
        String pom = Files.readString(home.resolve("pom.xml"));
        assertEquals("apache/kafka:" + property(pom, "kafka.version"), services.path("kafka").path("image").asText());
        assertEquals("apache/kafka:" + property(pom, "kafka.version"), services.path("topics").path("image").asText());
        String flinkMinor = property(pom, "flink.version").replaceAll("^(\\d+\\.\\d+).*", "$1");
        for (String s : List.of("jobmanager", "taskmanager", "submit", "producer", "view")) {
            assertEquals("flink:" + flinkMinor + "-java17", services.path(s).path("image").asText(), s);
        }
    }

    @Test
    void flinkPortsAndHostsMatchTheFlinkConfiguration() {
        String rest = flinkConf.get("rest.port");
        assertEquals(List.of(rest + ":" + rest), texts(services.path("jobmanager").path("ports")));
        String jm = flinkConf.get("jobmanager.rpc.address");
        assertEquals(jm, services.path("jobmanager").path("hostname").asText());
        for (String s : List.of("jobmanager", "taskmanager")) {
            assertEquals(jm, services.path(s).path("environment").path("JOB_MANAGER_RPC_ADDRESS").asText(), s);
            assertEquals("/cbinfer/docker/flink-entrypoint.sh", services.path(s).path("entrypoint").path(0).asText(), s);
        }
        assertEquals(jm, services.path("submit").path("environment").path("FLINK_JOBMANAGER_HOST").asText());
        assertEquals(rest, services.path("submit").path("environment").path("FLINK_REST_PORT").asText());
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
            String dir = flinkConf.get(key).replaceFirst("^file://", "");
            for (String s : List.of("jobmanager", "taskmanager")) {
                assertTrue(mounts(s).keySet().stream().anyMatch(m -> dir.startsWith(m + "/")), s + " has no volume for " + key + " " + dir);
            }
        }
    }

    @Test
    void theTaskManagerReservesTheGpusFlinkOffers() {
        JsonNode devices = services.path("taskmanager").path("deploy").path("resources").path("reservations").path("devices");
        assertEquals(1, devices.size());
        assertEquals("nvidia", devices.path(0).path("driver").asText());
        assertEquals(List.of("gpu"), texts(devices.path(0).path("capabilities")));
        assertEquals("gpu", flinkConf.get("external-resources"));
        assertEquals(flinkConf.get("external-resource.gpu.amount"), devices.path(0).path("count").asText());
        assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory", flinkConf.get("external-resource.gpu.driver-factory.class"));
        assertEquals("plugins/external-resource-gpu/nvidia-gpu-discovery.sh",
                flinkConf.get("external-resource.gpu.param.discovery-script.path"));
    }

    @Test
    void servicesReachKafkaWhereItListensAndUseTheJobsTopics() throws Exception {
        Map<String, String> listeners = listeners(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText());
        String internal = listeners.get("INTERNAL");
        assertEquals("kafka", services.path("kafka").path("hostname").asText() + "");
        assertTrue(internal.startsWith("kafka:"), internal);
        // host-side tools use conf/job.yaml's default bootstrap: the external listener and its published port
        JobConfig defaults = jobConfig(List.of());
        assertEquals(defaults.kafka.bootstrap, listeners.get("EXTERNAL"));
        String externalPort = listeners.get("EXTERNAL").replaceAll(".*:", "");
        assertEquals(List.of(externalPort + ":" + externalPort), texts(services.path("kafka").path("ports")));

        List<String> submit = words(services.path("submit").path("environment").path("CBINFER_JOB_ARGS").asText());
        assertTrue(submit.contains("kafka.bootstrap=" + internal), "submit: " + submit);
        List<String> producer = words(services.path("producer").path("command").asText());
        List<String> view = words(services.path("view").path("command").asText());
        assertEquals(internal, after(producer, "--bootstrap"));
        assertEquals(internal, after(view, "--bootstrap"));
        assertEquals(defaults.topics.frames, after(producer, "--topic"));
        assertEquals(defaults.topics.frames, after(view, "--frames"));
        assertEquals(defaults.topics.results, after(view, "--results"));
        String topics = services.path("topics").path("command").path(0).asText();
        for (String t : List.of(defaults.topics.frames, defaults.topics.results, defaults.topics.deadLetters)) {
            assertTrue(Pattern.compile("(^|\\s)" + Pattern.quote(t) + ":\\d+").matcher(topics).find(), "topics service creates " + t);
        }
        assertEquals("service_completed_successfully", services.path("submit").path("depends_on").path("topics").path("condition").asText());
    }

    @Test
    void everyPathAServiceUsesIsOnOneOfItsVolumes() throws Exception {
        TestData.file("models/tfjs/posenet.json"); // the data volume (${CBINFER_DATA:-./data}) must hold the sample data
        List<String> submit = words(services.path("submit").path("environment").path("CBINFER_JOB_ARGS").asText());
        // the job's configuration as the submitted job sees it, with the container paths mapped to this machine
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < submit.size(); i++) {
            if (submit.get(i).equals("--set")) {
                String o = submit.get(++i);
                int eq = o.indexOf('=');
                String value = o.substring(eq + 1);
                overrides.add(o.substring(0, eq + 1) + (value.startsWith("/cbinfer/") ? onHost("submit", value) : value));
            }
        }
        assertEquals(home.resolve("conf/job.yaml"), onHost("submit", after(submit, "--config")));
        JobConfig job = jobConfig(overrides); // loads: every key valid, the model file there
        assertTrue(Files.isRegularFile(Path.of(job.model.path)));
        for (String s : List.of("jobmanager", "taskmanager")) {
            assertTrue(Files.isRegularFile(onHost(s, "/cbinfer/data/models/tfjs/posenet.json")), s + " sees the model");
            assertTrue(Files.isRegularFile(onHost(s, "/cbinfer/conf/compose/flink-config.yaml")), s);
        }
        assertTrue(Files.isRegularFile(onHost("producer", after(words(services.path("producer").path("command").asText()), "--video"))));
        for (String s : List.of("jobmanager", "taskmanager", "submit", "producer", "view")) {
            Path entrypoint = onHost(s, services.path(s).path("entrypoint").path(0).asText());
            assertTrue(Files.isExecutable(entrypoint), s + ": " + entrypoint);
        }
        for (String s : List.of("submit", "producer", "view")) {
            assertEquals(home.resolve("job/target"), onHost(s, "/cbinfer/job"), s + " mounts the build output");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JobConfig jobConfig(List<String> overrides) {
        List<String> all = new ArrayList<>(overrides);
        if (overrides.stream().noneMatch(o -> o.startsWith("model.path="))) {
            all.add("model.path=" + TestData.file("models/tfjs/posenet.json"));
        }
        return JobConfig.load(home.resolve("conf/job.yaml"), all);
    }

    /** Where a container path of {@code service} is on this machine, through its bind mounts. */
    private static Path onHost(String service, String containerPath) {
        for (Map.Entry<String, Path> m : mounts(service).entrySet()) {
            if (containerPath.equals(m.getKey()) || containerPath.startsWith(m.getKey() + "/")) {
                assertTrue(m.getValue() != null, service + ": " + containerPath + " is on a named volume, not the host");
                return m.getValue().resolve(containerPath.substring(m.getKey().length()).replaceFirst("^/", "")).normalize();
            }
        }
        throw new AssertionError(service + " has no volume for " + containerPath + " (volumes " + mounts(service) + ")");
    }

    /** Container path -> host path (null for a named volume) of a service's volumes. */
    private static Map<String, Path> mounts(String service) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (JsonNode v : services.path(service).path("volumes")) {
            String[] parts = interpolate(v.asText()).split(":");
            String source = parts[0];
            mounts.put(parts[1], source.startsWith(".") || source.startsWith("/") ? home.resolve(source).normalize() : null);
        }
        return mounts;
    }

    /** {@code ${VAR:-default}} as compose expands it. */
    private static String interpolate(String s) {
        Matcher m = Pattern.compile("\\$\\{(\\w+):-([^}]*)}").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String env = System.getenv(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(env == null || env.isEmpty() ? m.group(2) : env));
        }
        return m.appendTail(sb).toString();
    }

    private static Map<String, String> listeners(String spec) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String l : spec.split(",")) {
            int sep = l.indexOf("://");
            byName.put(l.substring(0, sep), l.substring(sep + 3));
        }
        return byName;
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), "root pom has no " + name);
        return m.group(1).strip();
    }

    private static List<String> words(String s) {
        return List.of(s.strip().split("\\s+"));
    }

    private static String after(List<String> words, String option) {
        int i = words.indexOf(option);
        assertTrue(i >= 0 && i + 1 < words.size(), "no " + option + " in " + words);
        return words.get(i + 1);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> flatten(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", n, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, n.asText());
        }
    }
}
