package org.cbinfer.operators.post;

import static org.cbinfer.operators.post.SyntheticPoseNet.falling;
import static org.cbinfer.operators.post.SyntheticPoseNet.upright;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
    private static List<Person> twoPersons() {
        SyntheticPoseNet net = new SyntheticPoseNet(21, 25).person(upright(40.25, 100.75), falling(4f, 0.1f))
                .person(upright(60.5, 260.25), falling(3f, 0.1f));
        return new PoseDecoder().decode(net.outputs(), new FrameGeometry(385, 321, 768, 576));
    }

    @Test
    void skeletonsHaveNamedKeypointsInCocoOrder() throws Exception {
        List<Person> persons = twoPersons();
        String json = ResultJson.builder().skeletons(persons).toJson();
        JsonNode root = ResultJson.MAPPER.readTree(json);
        JsonNode skeletons = root.get("skeletons");
        assertEquals(2, skeletons.size());
        JsonNode first = skeletons.get(0);
        List<String> names = new ArrayList<>();
        first.get("keypoints").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("nose", "leftEye", "rightEye", "leftEar", "rightEar", "leftShoulder", "rightShoulder",
                "leftElbow", "rightElbow", "leftWrist", "rightWrist", "leftHip", "rightHip", "leftKnee", "rightKnee",
                "leftAnkle", "rightAnkle"), names);
        JsonNode nose = first.get("keypoints").get("nose");
        Keypoint expected = persons.get(0).keypoint(BodyPart.NOSE);
        assertEquals(Math.round(expected.x() * 100) / 100.0, nose.get("x").asDouble());
        assertEquals(Math.round(expected.y() * 100) / 100.0, nose.get("y").asDouble());
        assertEquals(Math.round(expected.score() * 1e4) / 1e4, nose.get("score").asDouble());
        // round trip, within the rounding
        List<Person> back = ResultJson.parseSkeletons(skeletons);
        for (int i = 0; i < persons.size(); i++) {
            assertEquals(persons.get(i).score(), back.get(i).score(), 5e-5);
            for (BodyPart p : BodyPart.values()) {
                assertEquals(persons.get(i).keypoint(p).x(), back.get(i).keypoint(p).x(), 0.005);
                assertEquals(persons.get(i).keypoint(p).y(), back.get(i).keypoint(p).y(), 0.005);
                assertEquals(persons.get(i).keypoint(p).score(), back.get(i).keypoint(p).score(), 5e-5);
            }
        }
    }

    @Test
    void labelMapCarriesSizeHistogramAndADecodablePng() throws Exception {
        LabelMap m = LabelMap.of(4, 2, 2, new short[] {0, 1, 1, 0, 0, 0, 1, 0});
        JsonNode node = ResultJson.MAPPER.readTree(ResultJson.builder().labelMap(m).toBytes()).get("labelMap");
        assertEquals(4, node.get("width").asInt());
        assertEquals(2, node.get("height").asInt());
        assertEquals(2, node.get("classes").asInt());
        assertEquals(5, node.get("histogram").get(0).asLong());
        assertEquals(3, node.get("histogram").get(1).asLong());
        assertEquals(255, node.get("maskStep").asInt());
        byte[] png = Base64.getDecoder().decode(node.get("maskPng").asText());
        assertEquals(m, LabelMap.fromPng(png, node.get("classes").asInt()));
    }

    @Test
    void metadataFieldsComeFirstAndUnsetOnesAreLeftOut() throws Exception {
        ObjectNode stats = ResultJson.MAPPER.createObjectNode().put("keyframe", false).put("latencyMs", 12.5);
        ObjectNode node = ResultJson.builder()
                .stats(stats)
                .skeletons(twoPersons())
                .model("posenet")
                .captureTime(Instant.parse("2024-05-01T12:00:00.100Z"))
                .sequence(42)
                .camera("cam-1")
                .field("extra", ResultJson.MAPPER.getNodeFactory().textNode("x"))
                .toNode();
        List<String> order = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) order.add(it.next());
        assertEquals(List.of("camera", "sequence", "captureTime", "model", "skeletons", "stats", "extra"), order);
        assertEquals("2024-05-01T12:00:00.100Z", node.get("captureTime").asText());
        assertEquals(42, node.get("sequence").asLong());
        assertFalse(node.get("stats").get("keyframe").asBoolean());

        ObjectNode bare = ResultJson.builder().skeletons(List.of()).toNode();
        assertEquals(1, bare.size());
        assertTrue(bare.get("skeletons").isArray() && bare.get("skeletons").isEmpty());
    }
}
