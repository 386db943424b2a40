package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken model fails to load with a {@link ModelException} that names the node at fault. */
class TfjsModelErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEATMAP = "MobilenetV1/heatmap_2/BiasAdd";

    @TempDir
    Path dir;
    private ObjectNode model;
    private byte[] weights;

    @BeforeEach
    void copyPosenet() throws IOException {
        model = (ObjectNode) JSON.readTree(TestData.file("models/tfjs/posenet.json").toFile());
        weights = Files.readAllBytes(TestData.file("models/tfjs/posenet.bin"));
    }

    private ModelException loadFails() throws IOException {
        JSON.writeValue(dir.resolve("posenet.json").toFile(), model);
        Files.write(dir.resolve("posenet.bin"), weights);
        return assertThrows(ModelException.class, () -> TfjsModelLoader.load(dir.resolve("posenet.json")));
    }

    private ObjectNode node(String name) {
        for (JsonNode n : model.path("modelTopology").path("node")) {
            if (n.path("name").asText().equals(name)) return (ObjectNode) n;
        }
        throw new AssertionError("no node " + name);
    }

    private ArrayNode manifestWeights() {
        return (ArrayNode) model.path("weightsManifest").get(0).path("weights");
    }

    @Test
    void anUnknownOpIsNamedWithItsNodeAndTheSupportedOps() throws IOException {
        node(HEATMAP).put("op", "Erf");
        ModelException e = loadFails();
        assertEquals(HEATMAP, e.node());
        assertTrue(e.getMessage().contains("unsupported op 'Erf'"), e.getMessage());
        assertTrue(e.getMessage().contains("_FusedConv2D") && e.getMessage().contains("Conv2DBackpropInput"), e.getMessage());
    }

    @Test
    void aTruncatedWeightsFileNamesTheFirstWeightItCannotHold() throws IOException {
        weights = Arrays.copyOf(weights, weights.length - 100);
        ArrayNode specs = manifestWeights();
        String last = specs.get(specs.size() - 1).path("name").asText();
        ModelException e = loadFails();
        assertEquals(last, e.node());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aConstWithoutWeightsIsNamed() throws IOException {
        ArrayNode specs = manifestWeights();
        JsonNode last = specs.remove(specs.size() - 1);
        int bytes = 4;
        for (JsonNode d : last.path("shape")) bytes *= d.asInt();
        weights = Arrays.copyOf(weights, weights.length - bytes);
        ModelException e = loadFails();
        assertEquals(last.path("name").asText(), e.node());
        assertTrue(e.getMessage().contains("no entry in the weights manifest"), e.getMessage());
    }

    @Test
    void aBiasOfTheWrongLengthNamesTheConvolution() throws IOException {
        ArrayNode inputs = (ArrayNode) node(HEATMAP).path("input");
        inputs.set(2, inputs.textNode("Const_58")); // the 32-value bias of a displacement head, for 17 heatmaps
        ModelException e = loadFails();
        assertEquals(HEATMAP, e.node());
        assertTrue(e.getMessage().contains("32"), e.getMessage());
    }

    @Test
    void aFilterThatDoesNotFitTheInputChannelsNamesTheConvolution() throws IOException {
        ArrayNode inputs = (ArrayNode) node(HEATMAP).path("input");
        inputs.set(0, inputs.textNode("MobilenetV1/MobilenetV1/Conv2d_0/Relu6")); // 24 channels into a 384-channel filter
        ModelException e = loadFails();
        assertEquals(HEATMAP, e.node());
        assertTrue(e.getMessage().contains("24 channels"), e.getMessage());
    }

    @Test
    void aMissingWeightsFileIsReported() throws IOException {
        ((ArrayNode) model.path("weightsManifest").get(0).path("paths")).set(0, JSON.getNodeFactory().textNode("gone.bin"));
        ModelException e = loadFails();
        assertTrue(e.getMessage().contains("gone.bin") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aWeightsPathOutsideTheModelFolderIsRefused() throws IOException {
        ((ArrayNode) model.path("weightsManifest").get(0).path("paths")).set(0, JSON.getNodeFactory().textNode("../posenet.bin"));
        ModelException e = loadFails();
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    }

    @Test
    void malformedJsonIsAModelError() throws IOException {
        Files.writeString(dir.resolve("posenet.json"), "{\"format\": \"graph-model\", \"modelTopology\": ");
        ModelException e = assertThrows(ModelException.class, () -> TfjsModelLoader.load(dir.resolve("posenet.json")));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }
}
