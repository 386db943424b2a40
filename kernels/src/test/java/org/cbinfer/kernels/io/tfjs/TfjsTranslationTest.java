package org.cbinfer.kernels.io.tfjs;

import static org.cbinfer.kernels.io.tfjs.TinyTfjsModel.attrs;
import static org.cbinfer.kernels.io.tfjs.TinyTfjsModel.ints;
import static org.cbinfer.kernels.io.tfjs.TinyTfjsModel.str;
import static org.cbinfer.kernels.io.tfjs.TinyTfjsModel.strs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small hand-written TFJS models compute, on the engine, what TensorFlow computes on NHWC data: the expected
 * values are worked out here in NHWC, independently of the importer's layout conversions.
 */
class TfjsTranslationTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }

    /** Runs a single-input, single-output graph on an NHWC input; returns the output in TensorFlow's layout. */
    private static float[] runNhwc(Graph g, float[] nhwc, int h, int w, int c) {
        Tensor out = new DenseExecutor(g).run(ImageTensors.fromNhwc(nhwc, 1, h, w, c)).get(g.outputs().get(0));
        return ImageTensors.toNhwc(out);
    }

    @Test
    void reshapeAndMatMulSeeValuesInNhwcOrderOnAMapWithPixelsAndChannels() throws IOException {
        float[] weight = new float[12 * 12];
        for (int i = 0; i < 12; i++) weight[i * 12 + (i + 5) % 12] = i + 1; // row i feeds column i+5, scaled
        Graph g = TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, 2, 2, 3)
                .intConstant("flat", new int[] {2}, 1, -1)
                .node("rows", "Reshape", attrs(), "x", "flat")
                .constant("w", new int[] {12, 12}, weight)
                .node("mixed", "MatMul", attrs(), "rows", "w")
                .intConstant("map", new int[] {4}, 1, 2, 2, 3)
                .node("out", "Reshape", attrs(), "mixed", "map")
                .write(dir));
        assertTrue(g.nodes().stream().anyMatch(n -> n.op() instanceof Transpose), "a 2x2x3 map needs transposes");

        float[] x = random(12, 1);
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) expected[(i + 5) % 12] = x[i] * (i + 1);
        assertArrayEquals(expected, runNhwc(g, x, 2, 2, 3), 1e-6f);
    }

    @Test
    void concatOnTheLastAxisAppendsChannelsEvenOfARank4Constant() throws IOException {
        float[] extra = random(8, 2);
        Graph g = TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, 2, 2, 3)
                .constant("extra", new int[] {1, 2, 2, 2}, extra)
                .intConstant("axis", new int[0], -1)
                .node("out", "ConcatV2", attrs(), "x", "extra", "axis")
                .write(dir));
        float[] x = random(12, 3);
        float[] expected = new float[20];
        for (int p = 0; p < 4; p++) {
            System.arraycopy(x, 3 * p, expected, 5 * p, 3);
            System.arraycopy(extra, 2 * p, expected, 5 * p + 3, 2);
        }
        assertArrayEquals(expected, runNhwc(g, x, 2, 2, 3), 0f);
    }

    @Test
    void biasAddAndScalarMulBroadcastAlongChannels() throws IOException {
        Graph g = TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, 2, 2, 3)
                .constant("b", new int[] {3}, 10, 20, 30)
                .node("biased", "BiasAdd", attrs("data_format", str("NHWC")), "x", "b")
                .constant("two", new int[0], 2)
                .node("out", "Mul", attrs(), "two", "biased")
                .write(dir));
        float[] x = random(12, 4);
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) expected[i] = 2 * (x[i] + 10 * (i % 3 + 1));
        assertArrayEquals(expected, runNhwc(g, x, 2, 2, 3), 1e-5f);
    }

    @Test
    void addNSumsAllItsInputsAndIdentityKeepsTheOutputName() throws IOException {
        Graph g = TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, 1, 2, 2)
                .node("r", "Relu", attrs(), "x")
                .constant("c", new int[] {2}, 1, -1)
                .node("sum", "AddN", attrs(), "x", "r", "c")
                .node("out", "Identity", attrs(), "sum")
                .write(dir));
        assertEquals(List.of("out"), g.outputs());
        float[] x = {0.5f, -0.25f, -1f, 2f};
        assertArrayEquals(new float[] {2f, -1.25f, 0f, 3f}, runNhwc(g, x, 1, 2, 2), 1e-6f);
    }

    /** A transposed convolution computed by scattering, as the gradient of a forward convolution. */
    private static float[] transposedConv(float[] x, int in, int cin, float[] hwoi, int k, int cout, int stride,
                                          int padBefore, int out) {
        float[] y = new float[out * out * cout];
        for (int iy = 0; iy < in; iy++)
            for (int ix = 0; ix < in; ix++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int oy = iy * stride + ky - padBefore, ox = ix * stride + kx - padBefore;
                        if (oy < 0 || ox < 0 || oy >= out || ox >= out) continue;
                        for (int o = 0; o < cout; o++)
                            for (int i = 0; i < cin; i++) {
                                y[(oy * out + ox) * cout + o] += x[(iy * in + ix) * cin + i] * hwoi[((ky * k + kx) * cout + o) * cin + i];
                            }
                    }
        return y;
    }

    private Graph transposedConvModel(String padding, int in, int out, float[] filter) throws IOException {
        return TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, in, in, 2)
                .intConstant("size", new int[] {4}, 1, out, out, 3)
                .constant("f", new int[] {3, 3, 3, 2}, filter)
                .node("out", "Conv2DBackpropInput", attrs("strides", ints(1, 2, 2, 1), "padding", str(padding)), "size", "f", "x")
                .write(dir));
    }

    @Test
    void conv2dBackpropInputWithValidPaddingFillsTheRequestedExtraRowWithZeros() throws IOException {
        float[] filter = random(54, 5);
        Graph g = transposedConvModel("VALID", 2, 6, filter); // (2-1)*2+3 = 5 rows, one more requested
        float[] x = random(8, 6);
        assertArrayEquals(transposedConv(x, 2, 2, filter, 3, 3, 2, 0, 6), runNhwc(g, x, 2, 2, 2), 1e-5f);
    }

    @Test
    void conv2dBackpropInputWithSamePaddingCropsAsTensorFlowSplitsIt() throws IOException {
        float[] filter = random(54, 7);
        Graph g = transposedConvModel("SAME", 3, 6, filter); // forward SAME 6 -> 3 pads 0 before, 1 after
        float[] x = random(18, 8);
        assertArrayEquals(transposedConv(x, 3, 2, filter, 3, 3, 2, 0, 6), runNhwc(g, x, 3, 3, 2), 1e-5f);
    }

    @Test
    void fusedConvolutionCarriesBiasAndLeakyReluSlope() throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Graph g = TfjsModelLoader.load(new TinyTfjsModel()
                .placeholder("x", 1, 4, 4, 2)
                .constant("w", new int[] {1, 1, 2, 3}, random(6, 9))
                .constant("b", new int[] {3}, 1, 2, 3)
                .node("out", "_FusedConv2D", attrs("strides", ints(1, 1, 1, 1), "padding", str("SAME"),
                        "fused_ops", strs("BiasAdd", "LeakyRelu"), "leakyrelu_alpha", f.objectNode().put("f", 0.1)), "x", "w", "b")
                .write(dir));
        Conv2d conv = (Conv2d) g.node("out").op();
        assertArrayEquals(new float[] {1, 2, 3}, conv.bias());
        assertEquals(Activation.leakyRelu(0.1f), conv.activation());
        assertArrayEquals(new int[] {1, 2, -1, -1}, g.inputs().get(0).shape()); // convolutions only: any size
    }

    @Test
    void aFusionTheEngineCannotExpressIsRefusedNamingTheNode() throws IOException {
        Path model = new TinyTfjsModel()
                .placeholder("x", 1, 4, 4, 2)
                .constant("w", new int[] {1, 1, 2, 3}, random(6, 9))
                .constant("b", new int[] {3}, 1, 2, 3)
                .node("conv", "_FusedConv2D", attrs("strides", ints(1, 1, 1, 1), "padding", str("SAME"),
                        "fused_ops", strs("BiasAdd", "Elu")), "x", "w", "b")
                .write(dir);
        ModelException e = assertThrows(ModelException.class, () -> TfjsModelLoader.load(model));
        assertEquals("conv", e.node());
        assertTrue(e.getMessage().contains("Elu"), e.getMessage());
    }

    @Test
    void aModelWithReshapeNeedsItsDeclaredInputSize() throws IOException {
        Path model = new TinyTfjsModel()
                .placeholder("x", 1, -1, -1, 3)
                .intConstant("flat", new int[] {2}, 1, -1)
                .node("out", "Reshape", attrs(), "x", "flat")
                .write(dir);
        ModelException e = assertThrows(ModelException.class, () -> TfjsModelLoader.load(model));
        assertEquals("out", e.node());
        assertTrue(e.getMessage().contains("needs a fixed input size"), e.getMessage());
    }
}
