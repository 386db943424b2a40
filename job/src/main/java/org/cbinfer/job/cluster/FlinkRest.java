package org.cbinfer.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The parts of Flink's REST API (JobManager, {@code rest.port}) that deploying and watching the job
 * need: jar upload and run, job state, stop-with-savepoint, and operator metrics. Errors carry Flink's
 * own {@code errors} text and the request that failed.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param baseUrl e.g. {@code http://localhost:8081} */
    public FlinkRest(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return base;
    }

    /** GET {@code path} (e.g. {@code /overview}) as JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
    }

    /** Waits until the cluster answers and has at least {@code slots} task slots registered. */
    public void awaitSlots(int slots, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (get("/overview").path("slots-total").asInt() >= slots) return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Flink at " + base + " had no " + slots + " task slot(s) within "
                + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Uploads a job jar; returns its id on the cluster. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "cbinfer-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "/jars/upload");
        String file = r.path("filename").asText();
        if (file.isEmpty()) throw new IOException("upload of " + jar + " to " + base + " answered " + r);
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's main class (on the JobManager); returns the job id.
     *
     * @param savepoint a savepoint to start from, or null
     */
    public String run(String jarId, String entryClass, List<String> args, String savepoint)
            throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("entryClass", entryClass);
        args.forEach(req.putArray("programArgsList")::add);
        if (savepoint != null) {
            req.put("savepointPath", savepoint);
            req.put("allowNonRestoredState", false);
        }
        String path = "/jars/" + jarId + "/run";
        JsonNode r = send(post(path, req), path);
        return r.path("jobid").asText();
    }

    /** The jobs the cluster knows ({@code /jobs/overview}: jid, name, state, ...). */
    public List<JsonNode> jobs() throws IOException, InterruptedException {
        List<JsonNode> jobs = new java.util.ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(jobs::add);
        return jobs;
    }

    /** The job's state (CREATED, RUNNING, FINISHED, FAILED, ...). */
    public String state(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job and every one of its vertices are RUNNING; fails early when the job fails. */
    public void awaitRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = get("/jobs/" + jobId);
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new IllegalStateException("job " + jobId + " is " + state + ": " + exceptions(jobId));
            }
            boolean all = state.equals("RUNNING") && job.path("vertices").size() > 0;
            for (JsonNode v : job.path("vertices")) all &= v.path("status").asText().equals("RUNNING");
            if (all) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("job " + jobId + " not running within " + timeout.toSeconds() + " s: "
                + (job == null ? "?" : job.path("state").asText()));
    }

    /** The root exception of a job, as the dashboard shows it. */
    public String exceptions(String jobId) throws IOException, InterruptedException {
        JsonNode e = get("/jobs/" + jobId + "/exceptions");
        String root = e.path("root-exception").asText("");
        if (root.isEmpty() && e.path("exceptionHistory").path("entries").size() > 0) {
            root = e.path("exceptionHistory").path("entries").get(0).path("stacktrace").asText("");
        }
        return root.lines().limit(8).reduce((a, b) -> a + "\n" + b).orElse("(no exception recorded)");
    }

    /**
     * Stops the job with a savepoint in {@code dir} (null: the cluster's default) and waits until it has
     * finished (so that a resubmission does not overlap it); returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, String dir, Duration timeout) throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        if (dir != null) req.put("targetDirectory", dir);
        req.put("drain", false);
        String path = "/jobs/" + jobId + "/stop";
        String trigger = send(post(path, req), path).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (s.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of " + jobId + " failed: "
                            + op.path("failure-cause").path("stack-trace").asText().lines().limit(8).toList());
                }
                awaitTerminal(jobId, deadline);
                return op.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new IOException("stop-with-savepoint of " + jobId + " did not complete within " + timeout.toSeconds() + " s");
    }

    private void awaitTerminal(String jobId, long deadline) throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            if (Set.of("FINISHED", "CANCELED", "FAILED").contains(state(jobId))) return;
            Thread.sleep(100);
        }
        throw new IOException("job " + jobId + " took a savepoint but did not finish in time: " + state(jobId));
    }

    /** The job's vertex whose name contains {@code name} (operators chained into one task share a vertex). */
    public String vertexId(String jobId, String name) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(name)) return v.path("id").asText();
        }
        throw new IllegalArgumentException("job " + jobId + " has no vertex named like '" + name + "'");
    }

    /** The metric names a vertex's subtasks report ({@code <operator>.<metric>} for operator metrics). */
    public List<String> metricNames(String jobId, String vertexId) throws IOException, InterruptedException {
        List<String> names = new java.util.ArrayList<>();
        get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics").forEach(m -> names.add(m.path("id").asText()));
        return names;
    }

    /**
     * Metrics of a vertex, aggregated over its subtasks with {@code agg} (sum, max, min, avg); metrics not
     * reported (yet) are missing from the map.
     */
    public Map<String, Double> metrics(String jobId, String vertexId, List<String> names, String agg)
            throws IOException, InterruptedException {
        String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get="
                + URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8) + "&agg=" + agg;
        Map<String, Double> values = new LinkedHashMap<>();
        for (JsonNode m : get(path)) values.put(m.path("id").asText(), m.path(agg).asDouble());
        return values;
    }

    private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }

    private JsonNode send(HttpRequest.Builder req, String what) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(req.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.statusCode() >= 300) {
            JsonNode errors = body.path("errors");
            throw new IOException(what + " on " + base + ": HTTP " + r.statusCode() + ": " + firstLines(errors.isArray() ? errors : body));
        }
        return body;
    }

    private static String firstLines(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        if (n.isArray()) {
            for (JsonNode e : n) sb.append(e.asText().lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse("")).append('\n');
        } else {
            sb.append(n);
        }
        return sb.toString().strip();
    }
}
