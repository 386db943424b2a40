package org.cbinfer.job.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the live view shows, per camera: the latest result that has its frame, and running figures. Fed
 * with frames (JPEG, from the frames topic) and results (JSON, from the results topic); a result is paired
 * with the frame of the same camera and sequence, so the skeletons are drawn over the very image they were
 * computed from. Frames wait for their result in a bounded window per camera ({@link #FRAME_WINDOW});
 * a result whose frame is not (or no longer) there still updates the figures, and the picture stays at
 * the last pair. Thread-safe.
 */
public final class CameraBoard {
    /** Frames kept per camera while their results are on the way. */
    static final int FRAME_WINDOW = 256;
    /** Results per camera the frame rate is measured over. */
    private static final int RATE_WINDOW = 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Camera> cameras = new TreeMap<>();

    /** A frame of {@code camera} as JPEG. */
    public synchronized void frame(String camera, long sequence, byte[] jpeg) {
        camera(camera).frames.put(sequence, jpeg);
    }

    /**
     * A result of {@code camera} (the Result JSON), received at {@code receivedMillis} (wall clock).
     * Results for other shapes of JSON than expected are counted but not drawn.
     */
    public synchronized void result(String camera, JsonNode result, long receivedMillis) {
        Camera c = camera(camera);
        long sequence = result.path("sequence").asLong(-1);
        c.results++;
        JsonNode stats = result.path("stats");
        if (stats.path("keyframe").asBoolean(false)) c.keyframes++;
        c.received.addLast(receivedMillis);
        if (c.received.size() > RATE_WINDOW) c.received.removeFirst();
        long capture = parseInstant(result.path("captureTime").asText(null));
        c.endToEndMs = capture > 0 ? receivedMillis - capture : -1;
        c.lastStats = stats;
        c.lastSequence = sequence;
        byte[] jpeg = c.frames.get(sequence);
        if (jpeg != null) {
            c.shownResult = result;
            c.shownFrame = jpeg;
            // frames up to this one are done
            c.frames.keySet().removeIf(s -> s <= sequence);
        }
    }

    /** The JPEG of the frame {@code camera}'s shown result belongs to, or null. */
    public synchronized byte[] shownFrame(String camera) {
        Camera c = cameras.get(camera);
        return c == null ? null : c.shownFrame;
    }

    /**
     * The board as JSON for the page: per camera its shown result (sequence, skeletons or label map) and
     * the figures: results/s, processing latency and changed fraction of the latest result, end-to-end
     * latency (capture to now), keyframes and results seen.
     */
    public synchronized ArrayNode toJson() {
        ArrayNode all = NODES.arrayNode();
        for (Map.Entry<String, Camera> e : cameras.entrySet()) {
            Camera c = e.getValue();
            ObjectNode n = all.addObject();
            n.put("camera", e.getKey());
            n.put("results", c.results);
            n.put("keyframes", c.keyframes);
            n.put("lastSequence", c.lastSequence);
            number(n, "fps", rate(c.received));
            n.put("endToEndMs", c.endToEndMs);
            number(n, "latencyMs", c.lastStats.path("latencyMs").asDouble(Double.NaN));
            number(n, "changedFraction", c.lastStats.path("changedFraction").asDouble(Double.NaN));
            number(n, "workFraction", c.lastStats.path("workFraction").asDouble(Double.NaN));
            n.put("keyframe", c.lastStats.path("keyframe").asBoolean(false));
            if (c.shownResult != null) {
                ObjectNode shown = n.putObject("shown");
                shown.put("sequence", c.shownResult.path("sequence").asLong());
                if (c.shownResult.has("skeletons")) shown.set("skeletons", c.shownResult.get("skeletons"));
                if (c.shownResult.has("labelMap")) shown.set("labelMap", c.shownResult.get("labelMap"));
            }
        }
        return all;
    }

    /** JSON has no NaN: an unknown figure is null. */
    private static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }

    private Camera camera(String id) {
        return cameras.computeIfAbsent(id, k -> new Camera());
    }

    /** Results per second over the window; NaN until it spans a second (a backlog read at once has no rate). */
    private static double rate(Deque<Long> times) {
        if (times.size() < 2) return Double.NaN;
        long span = times.getLast() - times.getFirst();
        return span < 1000 ? Double.NaN : (times.size() - 1) * 1000.0 / span;
    }

    private static long parseInstant(String iso) {
        if (iso == null) return -1;
        try {
            return java.time.Instant.parse(iso).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    private static final class Camera {
        final Map<Long, byte[]> frames = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > FRAME_WINDOW;
            }
        };
        final Deque<Long> received = new ArrayDeque<>();
        JsonNode lastStats = NODES.objectNode();
        JsonNode shownResult;
        byte[] shownFrame;
        long results;
        long keyframes;
        long lastSequence = -1;
        long endToEndMs = -1;
    }
}
