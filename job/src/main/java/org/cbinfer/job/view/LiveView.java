package org.cbinfer.job.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameException;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;

/**
 * The live view: a small web page showing each camera's latest frame with its skeletons (or label mask)
 * drawn over it, and its figures (results/s, processing and end-to-end latency, changed fraction,
 * keyframes). {@code bin/cbinfer view}, the {@code view} service of docker-compose.yml, and the demo start
 * it; {@link #start()} returns at once, {@link #close()} stops it.
 *
 * <p>Fed from Kafka: the results topic (committed results only) and the frames topic, paired by camera and
 * sequence ({@link CameraBoard}); results carry no image, so the frames topic is where the pictures come
 * from. It reads as a plain consumer without a group (it commits nothing, and any number of views can
 * watch), starting a little before the end of each partition so that it shows something at once.
 *
 * <p>HTTP: {@code /} the page, {@code /api/cameras} the board as JSON, {@code /frame/<camera>} the JPEG
 * the shown result belongs to.
 */
public final class LiveView implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);

    private final Builder config;
    private final CameraBoard board = new CameraBoard();
    private HttpServer http;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread reader;
    private volatile boolean stopping;
    private volatile String readerError;

    private LiveView(Builder b) {
        this.config = b;
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** Binds the web server and starts reading Kafka; returns at once. */
    public synchronized LiveView start() throws IOException {
        if (http != null) throw new IllegalStateException("already started");
        http = HttpServer.create(new InetSocketAddress(config.bindAddress, config.port), 16);
        http.createContext("/", this::page);
        http.createContext("/api/cameras", this::cameras);
        http.createContext("/frame/", this::frame);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cbinfer-view-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        reader = new Thread(this::read, "cbinfer-view-kafka");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** The port the page is served on (the one given, or the one chosen for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8090/}. */
    public String url() {
        String host = http.getAddress().getAddress().isAnyLocalAddress() ? "localhost" : http.getAddress().getHostString();
        return "http://" + host + ":" + port() + "/";
    }

    /** What is shown now (for tests and for callers that print progress). */
    public CameraBoard board() {
        return board;
    }

    /** Why reading Kafka stopped, or null while it runs. */
    public String readerError() {
        return readerError;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        stopping = true;
        if (consumer != null) consumer.wakeup();
        if (reader != null) reader.join(10_000);
        if (http != null) http.stop(0);
    }

    // ------------------------------------------------------------------ Kafka

    private void read() {
        try (KafkaConsumer<byte[], byte[]> c = consumer) {
            List<TopicPartition> results = partitions(c, config.resultsTopic);
            List<TopicPartition> frames = partitions(c, config.framesTopic);
            List<TopicPartition> all = new ArrayList<>(results);
            all.addAll(frames);
            c.assign(all);
            rewind(c, frames, config.framesBacklog);
            rewind(c, results, config.resultsBacklog);
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    if (r.topic().equals(config.resultsTopic)) result(r);
                    else frame(r);
                }
            }
        } catch (WakeupException e) {
            if (!stopping) readerError = "woken up: " + e;
        } catch (RuntimeException e) {
            readerError = "reading " + config.resultsTopic + "/" + config.framesTopic + " on " + config.bootstrapServers + ": " + e;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) throw new IllegalStateException("no topic '" + topic + "'");
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** Starts {@code backlog} records before the end of each partition (all of them when backlog < 0). */
    private static void rewind(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions, long backlog) {
        Map<TopicPartition, Long> begin = c.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            long from = backlog < 0 ? begin.get(p) : Math.max(begin.get(p), end.get(p) - backlog);
            c.seek(p, from);
        }
    }

    private void result(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode json = JSON.readTree(r.value());
            String camera = r.key() != null ? new String(r.key(), StandardCharsets.UTF_8) : json.path("camera").asText();
            board.result(camera, json, System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            // not a result (e.g. a foreign record on the topic): nothing to show for it
        }
    }

    private void frame(ConsumerRecord<byte[], byte[]> r) {
        Incoming in = KafkaFrames.read(r);
        if (!(in instanceof FrameRecord f)) return; // a bad frame: the job dead-letters it, the view shows nothing
        try {
            byte[] jpeg = f.encoding() == FrameEncoding.JPEG ? f.payload()
                    : FrameCodec.encode(FrameCodec.decode(f, FrameLimits.DEFAULT), FrameEncoding.JPEG, FrameCodec.DEFAULT_JPEG_QUALITY);
            board.frame(f.cameraId(), f.sequence(), jpeg);
        } catch (FrameException e) {
            // undecodable: skipped here as in the job
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cbinfer-view");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
        p.putAll(config.consumerProperties);
        return p;
    }

    // ------------------------------------------------------------------ HTTP

    private void page(HttpExchange x) throws IOException {
        if (!x.getRequestURI().getPath().equals("/")) {
            send(x, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = LiveView.class.getResourceAsStream("index.html")) {
            send(x, 200, "text/html; charset=utf-8", Objects.requireNonNull(in, "index.html").readAllBytes());
        }
    }

    private void cameras(HttpExchange x) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cameras", board.toJson());
        body.put("error", readerError);
        send(x, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private void frame(HttpExchange x) throws IOException {
        String camera = URLDecoder.decode(x.getRequestURI().getRawPath().substring("/frame/".length()), StandardCharsets.UTF_8);
        byte[] jpeg = board.shownFrame(camera);
        if (jpeg == null) send(x, 404, "text/plain", ("no frame of " + camera + " yet\n").getBytes(StandardCharsets.UTF_8));
        else send(x, 200, "image/jpeg", jpeg);
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    /** Where to read and where to serve. */
    public static final class Builder {
        private final String bootstrapServers;
        private String resultsTopic = "results";
        private String framesTopic = "frames";
        private String bindAddress = "127.0.0.1";
        private int port = 8090;
        private long resultsBacklog = 50;
        private long framesBacklog = 500;
        private final Map<String, String> consumerProperties = new LinkedHashMap<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        public Builder resultsTopic(String t) { resultsTopic = Objects.requireNonNull(t); return this; }
        public Builder framesTopic(String t) { framesTopic = Objects.requireNonNull(t); return this; }
        /** The address to serve on (default 127.0.0.1; 0.0.0.0 for every interface). */
        public Builder bind(String address) { bindAddress = Objects.requireNonNull(address); return this; }
        /** The port (default 8090; 0: any free one, see {@link LiveView#port()}). */
        public Builder port(int p) {
            if (p < 0 || p > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + p);
            port = p;
            return this;
        }
        /** Read both topics from their beginning instead of shortly before their end (replays, tests). */
        public Builder fromBeginning() { resultsBacklog = -1; framesBacklog = -1; return this; }
        /** A Kafka consumer property (security settings, ...). */
        public Builder consumerProperty(String k, String v) { consumerProperties.put(k, v); return this; }

        public LiveView build() {
            return new LiveView(this);
        }
    }
}
