package org.cbinfer.operators.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The decoder against TensorFlow.js PoseNet's own ({@code @tensorflow-models/posenet} 2.2.2
 * {@code decodeMultiplePoses}, run by {@code post/posenet_reference.js} on the golden outputs; its result is
 * {@code post/posenet_vtest_reference.json}): same poses in the same order, same positions and scores, for the
 * default parameters and for a low threshold with a small NMS radius (more, overlapping poses). Measured: 58
 * poses, identical to the last bit; the tolerances (1e-6) only allow for exp() differing between V8 and Java.
 */
class PoseNetReferenceTest {
    @Test
    void decodesWhatTensorFlowJsPoseNetDecodes() throws IOException {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/post/posenet_vtest_reference.json")) {
            assertNotNull(in, "post/posenet_vtest_reference.json on the test classpath");
            ref = ResultJson.MAPPER.readTree(in);
        }
        List<Map<String, Tensor>> outputs = GoldenData.outputs("posenet");
        FrameGeometry geometry = new FrameGeometry(ref.at("/input/width").asInt(), ref.at("/input/height").asInt(),
                ref.at("/frame/width").asInt(), ref.at("/frame/height").asInt());
        int poses = 0;
        double maxPx = 0, maxScore = 0;
        for (JsonNode cfg : ref.get("configs")) {
            PoseDecoder decoder = new PoseDecoder(PoseDecoderConfig.builder()
                    .outputStride(ref.get("outputStride").asInt())
                    .maxDetections(cfg.get("maxDetections").asInt())
                    .scoreThreshold(cfg.get("scoreThreshold").asDouble())
                    .nmsRadius(cfg.get("nmsRadius").asDouble())
                    .build());
            JsonNode frames = cfg.get("frames");
            assertEquals(outputs.size(), frames.size());
            for (int f = 0; f < frames.size(); f++) {
                String where = cfg.get("name").asText() + " frame " + f;
                List<Person> ours = decoder.decode(PoseNetOutputs.fromNamed(outputs.get(f)), geometry);
                JsonNode theirs = frames.get(f);
                assertEquals(theirs.size(), ours.size(), where + ": number of poses");
                for (int i = 0; i < ours.size(); i++) {
                    JsonNode t = theirs.get(i);
                    Person p = ours.get(i);
                    assertEquals(t.get("score").asDouble(), p.score(), 1e-6, where + " pose " + i + " score");
                    maxScore = Math.max(maxScore, Math.abs(t.get("score").asDouble() - p.score()));
                    for (int k = 0; k < BodyPart.COUNT; k++) {
                        JsonNode tk = t.get("keypoints").get(k);
                        Keypoint ok = p.keypoints().get(k);
                        assertEquals(tk.get("part").asText(), ok.part().jsonName());
                        double d = Math.hypot(tk.get("x").asDouble() - ok.x(), tk.get("y").asDouble() - ok.y());
                        assertTrue(d < 1e-6, where + " pose " + i + " " + ok.part().jsonName() + ": " + d + " px apart");
                        assertEquals(tk.get("score").asDouble(), ok.score(), 1e-6, where + " " + ok.part().jsonName());
                        maxPx = Math.max(maxPx, d);
                        maxScore = Math.max(maxScore, Math.abs(tk.get("score").asDouble() - ok.score()));
                    }
                    poses++;
                }
            }
        }
        System.out.printf("posenet decoder vs TensorFlow.js posenet 2.2.2: %d poses, max %.2g px, max %.2g score%n",
                poses, maxPx, maxScore);
        assertTrue(poses >= 50, poses + " poses compared");
    }
}
