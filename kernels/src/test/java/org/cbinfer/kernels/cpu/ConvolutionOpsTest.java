package org.cbinfer.kernels.cpu;

import static org.cbinfer.kernels.cpu.OpHarness.assertComputes;
import static org.cbinfer.kernels.cpu.OpHarness.iota;
import static org.cbinfer.kernels.cpu.OpHarness.shape;
import static org.cbinfer.kernels.cpu.OpHarness.single;
import static org.cbinfer.kernels.cpu.OpHarness.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Convolutions on hand-sized inputs; every expected number is worked out by hand in the comments.
 * Each case runs densely and change-based (threshold 0), see {@link OpHarness}.
 */
class ConvolutionOpsTest {

    /** 1..9 in a 3x3 image: the running example. */
    private static final Tensor ONE_TO_NINE = t(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);

    private static Tensor weight(int cout, int cinPerGroup, int kh, int kw, float... values) {
        return t(shape(cout, cinPerGroup, kh, kw), values);
    }

    @Nested
    class Conv2dGeometry {
        @Test
        void plain3x3WithExplicitPaddingOneIsCrossCorrelationWithZeroBorder() {
            // out channel 0: all-ones kernel, bias 0.5 -> sum of the 3x3 neighbourhood (zero outside) + 0.5
            //   12 21 16 / 27 45 33 / 24 39 28   (e.g. corner 1+2+4+5 = 12, centre 45)
            // out channel 1: only taps (0,0) = 1 and (2,2) = 10, bias -1 -> in(y-1,x-1) + 10*in(y+1,x+1) - 1
            //   (0,0): 0 + 10*5 - 1 = 49   (0,1): 0 + 10*6 - 1 = 59   (0,2): 0 + 0 - 1 = -1
            //   (1,0): 0 + 10*8 - 1 = 79   (1,1): 1 + 10*9 - 1 = 90   (1,2): 2 + 0 - 1 = 1
            //   (2,0): -1                  (2,1): 4 - 1 = 3            (2,2): 5 - 1 = 4
            Tensor w = weight(2, 1, 3, 3,
                    1, 1, 1, 1, 1, 1, 1, 1, 1,
                    1, 0, 0, 0, 0, 0, 0, 0, 10);
            Conv2d conv = new Conv2d(w, new float[] {0.5f, -1f}, Window.of(3, 3, 1, Padding.symmetric(1, 1)), 1, null);
            assertComputes(single(conv, 1, 1, 3, 3), ONE_TO_NINE, t(shape(1, 2, 3, 3),
                    12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f,
                    49, 59, -1, 79, 90, 1, -1, 3, 4));
        }

        @Test
        void inputChannelsAreSummed() {
            // 2 input channels: c0 = 1..9, c1 = 10 everywhere; 1x1 kernel (1, 0.5), bias 0: c0 + 5
            Tensor x = t(shape(1, 2, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10);
            Conv2d conv = new Conv2d(weight(1, 2, 1, 1, 1f, 0.5f), null, Window.of(1, 1, 1, Padding.VALID), 1, null);
            assertComputes(single(conv, 1, 2, 3, 3), x, t(shape(1, 1, 3, 3), 6, 7, 8, 9, 10, 11, 12, 13, 14));
        }

        @Test
        void stride2ValidVisitsEveryOtherWindow() {
            // x = 1..16 in 4x4; 2x2 kernel [[1,2],[3,4]] stride 2, no padding -> 2x2
            //   (0,0): 1*1 + 2*2 + 3*5 + 4*6 = 44      (0,1): 3 + 2*4 + 3*7 + 4*8 = 64
            //   (1,0): 9 + 2*10 + 3*13 + 4*14 = 124    (1,1): 11 + 2*12 + 3*15 + 4*16 = 144
            Tensor x = t(shape(1, 1, 4, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
            Conv2d conv = new Conv2d(weight(1, 1, 2, 2, 1, 2, 3, 4), null, Window.of(2, 2, 2, Padding.VALID), 1, null);
            assertComputes(single(conv, 1, 1, 4, 4), x, t(shape(1, 1, 2, 2), 44, 64, 124, 144));
        }

        @Test
        void stride2With3x3KernelAndPadding() {
            // x = 1..16 in 4x4; 3x3 ones, stride 2, pad 1 -> (4 + 2 - 3) / 2 + 1 = 2 per axis.
            // windows cover rows/cols {0,1} and {1,2,3}:
            //   (0,0): 1+2+5+6 = 14                     (0,1): 2+3+4+6+7+8 = 30
            //   (1,0): 5+6+9+10+13+14 = 57              (1,1): 6+7+8+10+11+12+14+15+16 = 99
            Tensor x = t(shape(1, 1, 4, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
            Conv2d conv = new Conv2d(weight(1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), null,
                    Window.of(3, 3, 2, Padding.symmetric(1, 1)), 1, null);
            assertComputes(single(conv, 1, 1, 4, 4), x, t(shape(1, 1, 2, 2), 14, 30, 57, 99));
        }

        @Test
        void dilation2SpreadsTheTaps() {
            // x(y,x) = 5y + x in 5x5; 3x3 ones with dilation 2 (span 5), pad 1 -> (5 + 2 - 5) + 1 = 3 per axis.
            // output row oy reads rows oy-1, oy+1, oy+3 -> valid rows R0 = {1,3}, R1 = {0,2,4}, R2 = {1,3}; same for columns.
            // sum over R x C of (5y + x) = 5 |C| sum(R) + |R| sum(C):
            //   (0,0): 5*2*4 + 2*4 = 48   (0,1): 5*3*4 + 2*6 = 72   (1,1): 5*3*6 + 3*6 = 108   (1,0): 5*2*6 + 3*4 = 72
            Conv2d conv = new Conv2d(weight(1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), null,
                    new Window(3, 3, 1, 1, 2, 2, Padding.symmetric(1, 1)), 1, null);
            assertComputes(single(conv, 1, 1, 5, 5), iota(1, 1, 5, 5), t(shape(1, 1, 3, 3),
                    48, 72, 48, 72, 108, 72, 48, 72, 48));
        }

        @Test
        void asymmetricPaddingPadsEachSideByItsOwnAmount() {
            // x = [[1,2,3],[4,5,6]]; 2x2 kernel [[1,2],[3,4]]; pad top 1, left 0, bottom 0, right 1:
            //   padded = [[0,0,0,0],[1,2,3,0],[4,5,6,0]] -> output 2x3
            //   (0,0): 3*1 + 4*2 = 11   (0,1): 3*2 + 4*3 = 18   (0,2): 3*3 = 9
            //   (1,0): 1 + 4 + 12 + 20 = 37   (1,1): 2 + 6 + 15 + 24 = 47   (1,2): 3 + 3*6 = 21
            Conv2d conv = new Conv2d(weight(1, 1, 2, 2, 1, 2, 3, 4), null, Window.of(2, 2, 1, Padding.explicit(1, 0, 0, 1)), 1, null);
            assertComputes(single(conv, 1, 1, 2, 3), t(shape(1, 1, 2, 3), 1, 2, 3, 4, 5, 6),
                    t(shape(1, 1, 2, 3), 11, 18, 9, 37, 47, 21));
        }

        @Test
        void sameUpperPutsTheOddPaddingAtTheEnd() {
            // 2x2 kernel [[1,2],[3,4]] on 1..9: total padding 1 per axis, SAME_UPPER -> bottom/right.
            // out(y,x) = in(y,x) + 2 in(y,x+1) + 3 in(y+1,x) + 4 in(y+1,x+1)
            //   1+4+12+20 = 37, 2+6+15+24 = 47, 3+18 = 21 / 4+10+21+32 = 67, 77, 6+27 = 33 / 7+16 = 23, 8+18 = 26, 9
            Conv2d conv = new Conv2d(weight(1, 1, 2, 2, 1, 2, 3, 4), null, Window.of(2, 2, 1, Padding.SAME), 1, null);
            assertComputes(single(conv, 1, 1, 3, 3), ONE_TO_NINE, t(shape(1, 1, 3, 3), 37, 47, 21, 67, 77, 33, 23, 26, 9));
        }

        @Test
        void sameLowerPutsTheOddPaddingAtTheStart() {
            // same kernel, SAME_LOWER -> top/left: out(y,x) = in(y-1,x-1) + 2 in(y-1,x) + 3 in(y,x-1) + 4 in(y,x)
            //   4*1 = 4, 3+8 = 11, 6+12 = 18 / 2+16 = 18, 1+4+12+20 = 37, 47 / 8+28 = 36, 67, 77
            Conv2d conv = new Conv2d(weight(1, 1, 2, 2, 1, 2, 3, 4), null,
                    Window.of(2, 2, 1, new Padding(Padding.Mode.SAME_LOWER, 0, 0, 0, 0)), 1, null);
            assertComputes(single(conv, 1, 1, 3, 3), ONE_TO_NINE, t(shape(1, 1, 3, 3), 4, 11, 18, 18, 37, 47, 36, 67, 77));
        }

        @Test
        void twoGroupsSeeOnlyTheirOwnHalfOfTheChannels() {
            // x: c0 = [1,2], c1 = [3,4], c2 = [5,6], c3 = [7,8] (1x2 images); groups 2, Cout 4, 1x1 kernels:
            //   out0 = 1*c0 + 0*c1 = [1,2]         out1 = 0*c0 + 1*c1 = [3,4]        (group 0 reads c0, c1)
            //   out2 = c2 + c3 = [12,14]           out3 = 2*c2 - 0.5*c3 + 1 = [10-3.5+1, 12-4+1] = [7.5, 9]
            Tensor x = t(shape(1, 4, 1, 2), 1, 2, 3, 4, 5, 6, 7, 8);
            Conv2d conv = new Conv2d(weight(4, 2, 1, 1, 1, 0, 0, 1, 1, 1, 2, -0.5f), new float[] {0, 0, 0, 1},
                    Window.of(1, 1, 1, Padding.VALID), 2, null);
            assertEquals(4, conv.inChannels());
            assertComputes(single(conv, 1, 4, 1, 2), x, t(shape(1, 4, 1, 2), 1, 2, 3, 4, 12, 14, 7.5f, 9));
        }

        @Test
        void groupedThreeByThreeSumsWithinTheGroup() {
            // x: c0 = 1..9, c1 = 1 everywhere, c2 = 2 everywhere, c3 = 0; groups 2, 3x3 ones, pad 1.
            // out0 = nbhd sum(c0) + nbhd sum(c1) = [12,21,16,27,45,33,24,39,28] + counts [4,6,4,6,9,6,4,6,4]
            // out1 = nbhd sum(c2) + nbhd sum(c3) = 2 * counts
            float[] v = new float[36];
            for (int i = 0; i < 9; i++) {
                v[i] = i + 1;
                v[9 + i] = 1;
                v[18 + i] = 2;
            }
            float[] ones = new float[2 * 2 * 9];
            java.util.Arrays.fill(ones, 1f);
            Conv2d conv = new Conv2d(weight(2, 2, 3, 3, ones), null, Window.of(3, 3, 1, Padding.symmetric(1, 1)), 2, null);
            assertComputes(single(conv, 1, 4, 3, 3), t(shape(1, 4, 3, 3), v), t(shape(1, 2, 3, 3),
                    16, 27, 20, 33, 54, 39, 28, 45, 32,
                    8, 12, 8, 12, 18, 12, 8, 12, 8));
        }

        @Test
        void depthwiseWithMultiplierTwoGivesTwoOutputsPerInputChannel() {
            // x: c0 = 1..9, c1 = 1 everywhere; groups = Cin = 2, Cout = 4 (out 0,1 read c0; out 2,3 read c1); pad 1.
            //   out0: centre tap only -> c0 itself
            //   out1: all ones -> neighbourhood sums 12 21 16 / 27 45 33 / 24 39 28
            //   out2: all ones on c1 -> number of taps inside: 4 6 4 / 6 9 6 / 4 6 4
            //   out3: top-left tap only, bias 0.5 -> c1(y-1,x-1) + 0.5: 0.5 on the top row and left column, else 1.5
            Tensor x = t(shape(1, 2, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            Tensor w = weight(4, 1, 3, 3,
                    0, 0, 0, 0, 1, 0, 0, 0, 0,
                    1, 1, 1, 1, 1, 1, 1, 1, 1,
                    1, 1, 1, 1, 1, 1, 1, 1, 1,
                    1, 0, 0, 0, 0, 0, 0, 0, 0);
            Conv2d conv = new Conv2d(w, new float[] {0, 0, 0, 0.5f}, Window.of(3, 3, 1, Padding.symmetric(1, 1)), 2, null);
            assertEquals("DepthwiseConv", conv.type());
            assertComputes(single(conv, 1, 2, 3, 3), x, t(shape(1, 4, 3, 3),
                    1, 2, 3, 4, 5, 6, 7, 8, 9,
                    12, 21, 16, 27, 45, 33, 24, 39, 28,
                    4, 6, 4, 6, 9, 6, 4, 6, 4,
                    0.5f, 0.5f, 0.5f, 0.5f, 1.5f, 1.5f, 0.5f, 1.5f, 1.5f));
        }
    }

    @Test
    void groupedConvWithFoldedBatchNormAndActivation() {
        // groups 2, Cin 4, Cout 2, 1x1: out0 = c0 - c1, out1 = c2 + c3; x: c0 = [5], c1 = [2], c2 = [1], c3 = [-4] -> [3, -3]
        // batch norm (mean 0, variance 1, epsilon 0) s = [2, 3], b = [1, 1] -> [7, -8]; then relu -> [7, 0]
        Conv2d conv = new Conv2d(weight(2, 2, 1, 1, 1, -1, 1, 1), null, Window.of(1, 1, 1, Padding.VALID), 2, null);
        BatchNorm bn = new BatchNorm(new float[] {2, 3}, new float[] {1, 1}, new float[2], new float[] {1, 1}, 0f);
        Graph g = Graph.builder().input("x", 1, 4, 1, 1).node("conv", conv, "x").node("bn", bn, "conv")
                .node("relu", new Unary(Activation.RELU), "bn").output("relu").build();
        assertEquals(1, GraphOptimizer.optimize(g).nodes().size());
        assertComputes(g, t(shape(1, 4, 1, 1), 5, 2, 1, -4), t(shape(1, 2, 1, 1), 7, 0));
    }

    @Nested
    class FusedActivations {
        // 1x1 conv, weight 2, bias 1 on x = [-3, -1, 0.25, 4]: pre-activation y = 2x + 1 = [-5, -1, 1.5, 9]
        private final Tensor x = t(shape(1, 1, 1, 4), -3, -1, 0.25f, 4);

        private Conv2d conv(Activation a) {
            return new Conv2d(weight(1, 1, 1, 1, 2), new float[] {1}, Window.of(1, 1, 1, Padding.VALID), 1, a);
        }

        @Test
        void identity() {
            assertComputes(single(conv(Activation.IDENTITY), 1, 1, 1, 4), x, t(shape(1, 1, 1, 4), -5, -1, 1.5f, 9));
        }

        @Test
        void relu() {
            assertComputes(single(conv(Activation.RELU), 1, 1, 1, 4), x, t(shape(1, 1, 1, 4), 0, 0, 1.5f, 9));
        }

        @Test
        void relu6ClipsAtSix() {
            assertComputes(single(conv(Activation.relu6()), 1, 1, 1, 4), x, t(shape(1, 1, 1, 4), 0, 0, 1.5f, 6));
        }

        @Test
        void clipToMinusOneOne() {
            assertComputes(single(conv(Activation.clip(-1, 1)), 1, 1, 1, 4), x, t(shape(1, 1, 1, 4), -1, -1, 1, 1));
        }

        @Test
        void leakyReluScalesNegatives() {
            // 0.1 * -5 = -0.5, 0.1 * -1 = -0.1
            assertComputes(single(conv(Activation.leakyRelu(0.1f)), 1, 1, 1, 4), x, t(shape(1, 1, 1, 4), -0.5f, -0.1f, 1.5f, 9));
        }

        @Test
        void aStandaloneReluAfterAConvIsFusedIntoItWithTheSameResult() {
            Graph g = Graph.builder().input("x", 1, 1, 1, 4)
                    .node("conv", conv(Activation.IDENTITY), "x")
                    .node("relu", new Unary(Activation.relu6()), "conv")
                    .output("relu").build();
            Graph optimized = GraphOptimizer.optimize(g);
            assertEquals(1, optimized.nodes().size());
            assertEquals("relu", optimized.nodes().get(0).name(), "the fused node keeps the consumer's name");
            assertEquals(Activation.relu6(), ((Conv2d) optimized.nodes().get(0).op()).activation());
            assertComputes(g, x, t(shape(1, 1, 1, 4), 0, 0, 1.5f, 6));
        }
    }

    @Nested
    class ConstantFolding {
        // 1x1 conv, Cin 1, Cout 2: weights [1, 2], bias [0, 1]; on x = [3] it gives [3, 7]
        private final Conv2d conv = new Conv2d(weight(2, 1, 1, 1, 1, 2), new float[] {0, 1}, Window.of(1, 1, 1, Padding.VALID), 1, null);
        private final Tensor x = t(shape(1, 1, 1, 1), 3);

        @Test
        void perChannelMulAddSubAfterAConvFoldIntoIt() {
            // * [2, -1] -> [6, -7]; + [1, 1] (shape [C,1,1]) -> [7, -6]; - 0.5 (scalar) -> [6.5, -6.5]
            Graph g = Graph.builder().input("x", 1, 1, 1, 1)
                    .constant("scale", t(shape(1, 2, 1, 1), 2, -1)).constant("shift", t(shape(2, 1, 1), 1, 1))
                    .constant("half", Tensor.scalar(0.5f))
                    .node("conv", conv, "x")
                    .node("mul", new Binary(Binary.Kind.MUL), "scale", "conv")
                    .node("add", new Binary(Binary.Kind.ADD), "mul", "shift")
                    .node("sub", new Binary(Binary.Kind.SUB), "add", "half")
                    .output("sub").build();
            Graph optimized = GraphOptimizer.optimize(g);
            assertEquals(1, optimized.nodes().size());
            assertEquals(0, optimized.constants().size(), "the folded constants are dropped");
            assertComputes(g, x, t(shape(1, 2, 1, 1), 6.5f, -6.5f));
        }

        @Test
        void constantMinusConvAndConvDividedByAConstantAreNotFolded() {
            // 10 - conv = [7, 3]; conv / 2 = [1.5, 3.5]
            Graph sub = Graph.builder().input("x", 1, 1, 1, 1).constant("ten", Tensor.scalar(10))
                    .node("conv", conv, "x").node("sub", new Binary(Binary.Kind.SUB), "ten", "conv").output("sub").build();
            assertEquals(2, GraphOptimizer.optimize(sub).nodes().size());
            assertComputes(sub, x, t(shape(1, 2, 1, 1), 7, 3));
            Graph div = Graph.builder().input("x", 1, 1, 1, 1).constant("two", Tensor.scalar(2))
                    .node("conv", conv, "x").node("div", new Binary(Binary.Kind.DIV), "conv", "two").output("div").build();
            assertEquals(2, GraphOptimizer.optimize(div).nodes().size());
            assertComputes(div, x, t(shape(1, 2, 1, 1), 1.5f, 3.5f));
        }

        @Test
        void aConstantThatVariesOverSpaceIsNotFolded() {
            // conv on a 1x2 input [3, 4] -> c0 = [3, 4], c1 = [7, 9]; + [[10, 20]] (varies along W) -> [13, 24, 17, 29]
            Graph g = Graph.builder().input("x", 1, 1, 1, 2).constant("k", t(shape(1, 1, 1, 2), 10, 20))
                    .node("conv", conv, "x").node("add", new Binary(Binary.Kind.ADD), "conv", "k").output("add").build();
            assertEquals(2, GraphOptimizer.optimize(g).nodes().size());
            assertComputes(g, t(shape(1, 1, 1, 2), 3, 4), t(shape(1, 2, 1, 2), 13, 24, 17, 29));
        }
    }

    @Nested
    class Transposed {
        @Test
        void stride2Kernel2PlacesOneScaledKernelPerInputPixel() {
            // ConvTranspose: out[i*s + j] += in[i] * w[j] (no flip). Cin 2, Cout 1, 2x2 kernels, stride 2, no padding.
            // input c0 = [[1,2],[3,4]] with kernel [[1,2],[3,4]]: each pixel writes its own 2x2 block
            //   1 2 | 2 4 / 3 4 | 6 8 / 3 6 | 4 8 / 9 12 | 12 16
            // input c1 = all ones with kernel [[0,0],[0,100]]: +100 at the bottom-right of every block
            Tensor x = t(shape(1, 2, 2, 2), 1, 2, 3, 4, 1, 1, 1, 1);
            Tensor w = weight(2, 1, 2, 2, 1, 2, 3, 4, 0, 0, 0, 100);
            ConvTranspose2d op = new ConvTranspose2d(w, null, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, null, true, 1, null);
            assertComputes(single(op, 1, 2, 2, 2), x, t(shape(1, 1, 4, 4),
                    1, 2, 2, 4,
                    3, 104, 6, 108,
                    3, 6, 4, 8,
                    9, 112, 12, 116));
        }

        @Test
        void paddingCropsTheStartAndOutputPaddingAddsARowAtTheEnd() {
            // 3x3 ones kernel, stride 2, pad top/left 1 (bottom/right 0), output padding 1, bias 0.5, input [[1,2],[3,4]].
            // per axis: full positions f = 2i + j, j in 0..2: i=0 -> f 0,1,2; i=1 -> f 2,3,4; length 2*1 + 3 + 1 = 6;
            // cropping 1 at the start leaves o = f - 1 in 0..4: o0 <- {i0}, o1 <- {i0,i1}, o2 <- {i1}, o3 <- {i1}, o4 <- {} (output padding)
            // out(oy,ox) = sum of in over the row set x column set, + 0.5:
            //   oy0 (i0):     1  3  2  2  0
            //   oy1 (i0,i1):  4 10  6  6  0
            //   oy2 (i1):     3  7  4  4  0
            //   oy3 (i1):     3  7  4  4  0
            //   oy4 ():       0  0  0  0  0
            Tensor w = weight(1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            ConvTranspose2d op = new ConvTranspose2d(w, new float[] {0.5f}, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, null, true, 1, null);
            assertComputes(single(op, 1, 1, 2, 2), t(shape(1, 1, 2, 2), 1, 2, 3, 4), t(shape(1, 1, 5, 5),
                    1.5f, 3.5f, 2.5f, 2.5f, 0.5f,
                    4.5f, 10.5f, 6.5f, 6.5f, 0.5f,
                    3.5f, 7.5f, 4.5f, 4.5f, 0.5f,
                    3.5f, 7.5f, 4.5f, 4.5f, 0.5f,
                    0.5f, 0.5f, 0.5f, 0.5f, 0.5f));
        }

        @Test
        void dilationSpreadsTheKernelTaps() {
            // 1x2 kernel [1, 10], dilation 2 along W, stride 1, input [1, 2]: o = i + 2j, length (2-1) + (2-1)*2 + 1 = 4
            //   i=0: o0 += 1, o2 += 10;  i=1: o1 += 2, o3 += 20  -> [1, 2, 10, 20]
            ConvTranspose2d op = new ConvTranspose2d(weight(1, 1, 1, 2, 1, 10), null, 1, 1, 1, 2, 0, 0, 0, 0, 0, 0, null, true, 1, null);
            assertComputes(single(op, 1, 1, 1, 2), t(shape(1, 1, 1, 2), 1, 2), t(shape(1, 1, 1, 4), 1, 2, 10, 20));
        }

        @Test
        void groupedWithAFoldedBatchNorm() {
            // Cin 2, groups 2, Cout 4: weight [Cin, Cout/groups, 1, 1] = [[1, 2], [3, 4]]: out0 = c0, out1 = 2 c0, out2 = 3 c1, out3 = 4 c1
            // input c0 = [1], c1 = [2] -> [1, 2, 6, 8]; then batch norm with mean 0, variance 1, epsilon 0 = s x + b,
            // s = [1, 10, 100, 1000], b = [0, 0, 0, 1] -> [1, 20, 600, 8001]
            ConvTranspose2d op = new ConvTranspose2d(weight(2, 2, 1, 1, 1, 2, 3, 4), null, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, null, true, 2, null);
            BatchNorm bn = new BatchNorm(new float[] {1, 10, 100, 1000}, new float[] {0, 0, 0, 1}, new float[4],
                    new float[] {1, 1, 1, 1}, 0f);
            Graph g = Graph.builder().input("x", 1, 2, 1, 1).node("up", op, "x").node("bn", bn, "up").output("bn").build();
            assertEquals(1, GraphOptimizer.optimize(g).nodes().size());
            assertComputes(g, t(shape(1, 2, 1, 1), 1, 2), t(shape(1, 4, 1, 1), 1, 20, 600, 8001));
        }

        // outputSize: 1x3 kernel [1, 10, 100], stride (1, 2), input [1, 2] (1x2), requested output 1x4.
        // full (unpadded) output along W: f = 2i + j -> i=0 (x=1): f0 += 1, f1 += 10, f2 += 100;
        //                                             i=1 (x=2): f2 += 2, f3 += 20, f4 += 200
        //   full = [1, 10, 102, 20, 200]; total padding = 2*(2-1) + 3 - 4 = 1
        private ConvTranspose2d withOutputSize(boolean padAtEnd) {
            return new ConvTranspose2d(weight(1, 1, 1, 3, 1, 10, 100), null, 1, 2, 1, 1, 0, 0, 0, 0, 0, 0,
                    new int[] {1, 4}, padAtEnd, 1, null);
        }

        @Test
        void outputSizeWithPadAtEndKeepsTheStart() {
            // padding {0, 1}: out = full[0..3]
            assertComputes(single(withOutputSize(true), 1, 1, 1, 2), t(shape(1, 1, 1, 2), 1, 2), t(shape(1, 1, 1, 4), 1, 10, 102, 20));
        }

        @Test
        void outputSizeWithPadAtStartKeepsTheEnd() {
            // padding {1, 0}: out = full[1..4]
            assertComputes(single(withOutputSize(false), 1, 1, 1, 2), t(shape(1, 1, 1, 2), 1, 2), t(shape(1, 1, 1, 4), 10, 102, 20, 200));
        }
    }
}
