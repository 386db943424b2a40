package org.cbinfer.operators.post;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The Result JSON (one object per frame, docs/architecture.md, "Contracts a user sees") and its post-processing parts:
 * <pre>
 * {
 *   "camera": "cam-1", "sequence": 42, "captureTime": "2024-05-01T12:00:00.100Z", "model": "posenet",
 *   "skeletons": [                                   // pose models
 *     {"score": 0.71, "keypoints": {"nose": {"x": 401.25, "y": 120.5, "score": 0.93}, "leftEye": {...}, ...}}
 *   ],
 *   "labelMap": {                                    // segmentation models
 *     "width": 768, "height": 576, "classes": 2, "histogram": [400000, 42368],
 *     "maskPng": "iVBORw0KGgo...", "maskStep": 255    // PNG gray = label * maskStep
 *   },
 *   "stats": {...}                                   // per-frame statistics, filled by the operator
 * }
 * </pre>
 * Fields appear in that order; those not set are left out. Keypoints are an object keyed by
 * {@link BodyPart#jsonName()}, in COCO order; coordinates are frame pixels rounded to 0.01, scores rounded to
 * 1e-4. The metadata and stats are set by the operator through the {@link Builder}; anything else can go in
 * with {@link Builder#field}.
 */
@PublicEvolving
public final class ResultJson {
    /** Shared, configured once; ObjectMapper is thread-safe for reading and writing. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultJson() {}

    public static Builder builder() {
        return new Builder();
    }

    /** The {@code skeletons} array. */
    public static ArrayNode skeletons(List<Person> persons) {
        ArrayNode array = NODES.arrayNode(persons.size());
        for (Person p : persons) {
            ObjectNode person = array.addObject();
            person.put("score", round(p.score(), 1e4));
            ObjectNode keypoints = person.putObject("keypoints");
            for (Keypoint k : p.keypoints()) {
                ObjectNode kp = keypoints.putObject(k.part().jsonName());
                kp.put("x", round(k.x(), 100));
                kp.put("y", round(k.y(), 100));
                kp.put("score", round(k.score(), 1e4));
            }
        }
        return array;
    }

    /** The {@code labelMap} object (encodes the mask as PNG). */
    public static ObjectNode labelMap(LabelMap map) {
        ObjectNode node = NODES.objectNode();
        node.put("width", map.width());
        node.put("height", map.height());
        node.put("classes", map.numClasses());
        ArrayNode histogram = node.putArray("histogram");
        for (long c : map.histogram()) histogram.add(c);
        node.put("maskPng", map.pngBase64());
        node.put("maskStep", map.pngStep());
        return node;
    }

    /** Reads a {@code skeletons} array back (for consumers and tests); values carry the JSON's rounding. */
    public static List<Person> parseSkeletons(JsonNode skeletons) {
        if (!skeletons.isArray()) throw new IllegalArgumentException("skeletons must be an array, got " + skeletons.getNodeType());
        List<Person> persons = new ArrayList<>();
        for (JsonNode p : skeletons) {
            JsonNode kps = p.path("keypoints");
            List<Keypoint> keypoints = new ArrayList<>();
            for (BodyPart part : BodyPart.values()) {
                JsonNode k = kps.get(part.jsonName());
                if (k == null) throw new IllegalArgumentException("keypoint " + part.jsonName() + " missing");
                keypoints.add(new Keypoint(part, k.path("x").asDouble(Double.NaN), k.path("y").asDouble(Double.NaN),
                        k.path("score").asDouble(Double.NaN)));
            }
            persons.add(new Person(p.path("score").asDouble(Double.NaN), keypoints));
        }
        return persons;
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    /** One frame's result; set what applies, then {@link #toNode()} / {@link #toJson()} / {@link #toBytes()}. */
    public static final class Builder {
        private String camera;
        private Long sequence;
        private Instant captureTime;
        private String model;
        private ArrayNode skeletons;
        private ObjectNode labelMap;
        private JsonNode stats;
        private final ObjectNode extra = NODES.objectNode();

        private Builder() {}

        public Builder camera(String v) { camera = Objects.requireNonNull(v); return this; }
        public Builder sequence(long v) { sequence = v; return this; }
        /** Written as ISO-8601 UTC ({@code 2024-05-01T12:00:00.100Z}). */
        public Builder captureTime(Instant v) { captureTime = Objects.requireNonNull(v); return this; }
        public Builder model(String v) { model = Objects.requireNonNull(v); return this; }
        public Builder skeletons(List<Person> v) { skeletons = ResultJson.skeletons(v); return this; }
        public Builder labelMap(LabelMap v) { labelMap = ResultJson.labelMap(v); return this; }
        /** Any JSON object; a POJO or map can be turned into one with {@code MAPPER.valueToTree(x)}. */
        public Builder stats(JsonNode v) { stats = Objects.requireNonNull(v); return this; }

        /** A further top-level field, written after the standard ones. */
        public Builder field(String name, JsonNode value) {
            extra.set(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public ObjectNode toNode() {
            ObjectNode n = NODES.objectNode();
            if (camera != null) n.put("camera", camera);
            if (sequence != null) n.put("sequence", sequence);
            if (captureTime != null) n.put("captureTime", captureTime.toString());
            if (model != null) n.put("model", model);
            if (skeletons != null) n.set("skeletons", skeletons);
            if (labelMap != null) n.set("labelMap", labelMap);
            if (stats != null) n.set("stats", stats);
            n.setAll(extra);
            return n;
        }

        public String toJson() {
            try {
                return MAPPER.writeValueAsString(toNode());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("result JSON", e);
            }
        }

        public byte[] toBytes() {
            return toJson().getBytes(StandardCharsets.UTF_8);
        }
    }
}
