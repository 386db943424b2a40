package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphInput;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;

/** The three real TFJS models load into NCHW graphs with the documented inputs, outputs and shapes. */
class TfjsModelLoaderTest {
    static Graph load(String model) throws IOException {
        return TfjsModelLoader.load(TestData.file("models/tfjs/" + model + ".json"));
    }

    @Test
    void posenetIsFullyConvolutionalWithFourStride16Outputs() throws IOException {
        Graph g = load("posenet");
        assertEquals(1, g.inputs().size());
        GraphInput in = g.inputs().get(0);
        assertEquals("image", in.name());
        assertArrayEquals(new int[] {1, 3, -1, -1}, in.shape());
        assertEquals(Set.of("MobilenetV1/heatmap_2/BiasAdd", "MobilenetV1/offset_2/BiasAdd",
                "MobilenetV1/displacement_fwd_2/BiasAdd", "MobilenetV1/displacement_bwd_2/BiasAdd"), Set.copyOf(g.outputs()));

        Map<String, int[]> shapes = g.inferShapes(new int[] {1, 3, 385, 385});
        assertArrayEquals(new int[] {1, 17, 25, 25}, shapes.get("MobilenetV1/heatmap_2/BiasAdd"));
        assertArrayEquals(new int[] {1, 34, 25, 25}, shapes.get("MobilenetV1/offset_2/BiasAdd"));
        assertArrayEquals(new int[] {1, 32, 25, 25}, shapes.get("MobilenetV1/displacement_fwd_2/BiasAdd"));
        assertArrayEquals(new int[] {1, 32, 25, 25}, shapes.get("MobilenetV1/displacement_bwd_2/BiasAdd"));

        Map<String, int[]> wide = g.inferShapes(new int[] {1, 3, 577, 769});
        assertArrayEquals(new int[] {1, 17, 37, 49}, wide.get("MobilenetV1/heatmap_2/BiasAdd"));
    }

    @Test
    void posenetIsEighteenFusedConvolutionsAndThirteenDepthwiseOnes() throws IOException {
        Graph g = load("posenet");
        List<Conv2d> convs = g.nodes().stream().map(Node::op).filter(Conv2d.class::isInstance).map(Conv2d.class::cast).toList();
        assertEquals(31, g.nodes().size());
        assertEquals(31, convs.size());
        assertEquals(13, convs.stream().filter(c -> c.groups() > 1 && c.groups() == c.inChannels()).count());
        assertTrue(convs.stream().allMatch(c -> c.bias() != null));

        Conv2d first = (Conv2d) g.node("MobilenetV1/MobilenetV1/Conv2d_0/Relu6").op();
        assertArrayEquals(new int[] {24, 3, 3, 3}, first.weight().shape()); // MobileNetV1 0.75
        assertEquals(2, first.window().strideH());
        assertEquals(Activation.relu6(), first.activation());
        Conv2d depthwise = (Conv2d) g.node("MobilenetV1/MobilenetV1/Conv2d_1_depthwise/BatchNorm/batchnorm/add_1/conv").op();
        assertArrayEquals(new int[] {24, 1, 3, 3}, depthwise.weight().shape());
        assertEquals(24, depthwise.groups());
        assertEquals(Activation.IDENTITY, ((Conv2d) g.node("MobilenetV1/heatmap_2/BiasAdd").op()).activation());
    }

    @Test
    void selfieKeepsItsFixed256InputAndGivesAFullSizeMask() throws IOException {
        Graph g = load("selfie");
        assertEquals("input_1", g.inputs().get(0).name());
        assertArrayEquals(new int[] {1, 3, 256, 256}, g.inputs().get(0).shape());
        assertEquals(List.of("activation_10"), g.outputs());
        assertArrayEquals(new int[] {1, 1, 256, 256}, g.inferShapes(new int[] {1, 3, 256, 256}).get("activation_10"));

        ConvTranspose2d up = (ConvTranspose2d) g.node("segment").op();
        assertArrayEquals(new int[] {16, 1, 2, 2}, up.weight().shape());
        assertEquals(2, up.strideH());
    }

    @Test
    void meetGivesTwoClassLogitsAt144x256() throws IOException {
        Graph g = load("meet");
        assertArrayEquals(new int[] {1, 3, 144, 256}, g.inputs().get(0).shape());
        assertEquals(List.of("segment"), g.outputs());
        Map<String, int[]> shapes = g.inferShapes(new int[] {1, 3, 144, 256});
        assertArrayEquals(new int[] {1, 2, 144, 256}, shapes.get("segment"));
        assertArrayEquals(new int[] {1, 16}, shapes.get("dense/Tensordot/Reshape"));
        assertArrayEquals(new int[] {1, 16, 1, 1}, shapes.get("dense/BiasAdd"));
    }

    @Test
    void squeezeExcitationReshapesNeedNoTransposeBecauseTheyActOn1x1Maps() throws IOException {
        Graph g = load("meet");
        assertFalse(g.nodes().stream().anyMatch(n -> n.op() instanceof Transpose),
                () -> "unexpected transposes: " + g.nodes().stream().filter(n -> n.op() instanceof Transpose)
                        .map(Node::name).collect(Collectors.joining(", ")));
    }

    @Test
    void everyTensorFlowOpNodeIsAGraphNodeOfTheSameName() throws IOException {
        for (String model : List.of("posenet", "selfie", "meet")) {
            Graph g = load(model);
            JsonNode json = new ObjectMapper().readTree(TestData.file("models/tfjs/" + model + ".json").toFile());
            for (JsonNode n : json.path("modelTopology").path("node")) {
                String op = n.path("op").asText();
                if (op.equals("Const") || op.equals("Placeholder")) continue;
                assertNotNull(g.node(n.path("name").asText()), () -> model + ": no graph node for " + n.path("name").asText());
            }
        }
    }

    @Test
    void aSizeOtherThanTheFixedOneIsRefused() throws IOException {
        Graph g = load("selfie");
        ModelException e = assertThrows(ModelException.class, () -> g.inferShapes(new int[] {1, 3, 128, 128}));
        assertEquals("input_1", e.node());
    }
}
