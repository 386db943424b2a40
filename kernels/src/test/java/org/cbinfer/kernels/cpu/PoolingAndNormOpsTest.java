package org.cbinfer.kernels.cpu;

import static org.cbinfer.kernels.cpu.OpHarness.assertComputes;
import static org.cbinfer.kernels.cpu.OpHarness.iota;
import static org.cbinfer.kernels.cpu.OpHarness.shape;
import static org.cbinfer.kernels.cpu.OpHarness.single;
import static org.cbinfer.kernels.cpu.OpHarness.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Pooling, global average pooling and batch normalisation on hand-sized inputs (dense and change-based). */
class PoolingAndNormOpsTest {

    private static final Tensor ONE_TO_NINE = t(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);

    private static Pool max(Window w, boolean ceil) {
        return new Pool(Pool.Kind.MAX, w, ceil, false);
    }

    private static Pool avg(Window w, boolean ceil, boolean countIncludePad) {
        return new Pool(Pool.Kind.AVG, w, ceil, countIncludePad);
    }

    @Nested
    class MaxPool {
        //  1  5  2  0
        //  3 -1  4  8
        //  9  2  7  6
        // -2 10  3  1
        private final Tensor x = t(shape(1, 1, 4, 4), 1, 5, 2, 0, 3, -1, 4, 8, 9, 2, 7, 6, -2, 10, 3, 1);

        @Test
        void twoByTwoStrideTwo() {
            // blocks: max(1,5,3,-1) = 5, max(2,0,4,8) = 8, max(9,2,-2,10) = 10, max(7,6,3,1) = 7
            assertComputes(single(max(Window.of(2, 2, 2, Padding.VALID), false), 1, 1, 4, 4), x, t(shape(1, 1, 2, 2), 5, 8, 10, 7));
        }

        @Test
        void threeByThreeStrideTwoWithPadding() {
            // pad 1 -> windows over rows/cols {0,1} and {1,2,3}
            //   (0,0): max(1,5,3,-1) = 5   (0,1): max(5,2,0,-1,4,8) = 8
            //   (1,0): max(3,-1,9,2,-2,10) = 10   (1,1): max(-1,4,8,2,7,6,10,3,1) = 10
            assertComputes(single(max(Window.of(3, 3, 2, Padding.symmetric(1, 1)), false), 1, 1, 4, 4), x,
                    t(shape(1, 1, 2, 2), 5, 8, 10, 10));
        }

        @Test
        void paddingIsNotAZeroCandidate() {
            // all negative [[-1,-2],[-3,-4]], 2x2 stride 1 pad 1 -> 3x3; window (y-1..y, x-1..x) clipped to the input:
            //   {-1} {-1,-2} {-2} / {-1,-3} all {-2,-4} / {-3} {-3,-4} {-4}
            assertComputes(single(max(Window.of(2, 2, 1, Padding.symmetric(1, 1)), false), 1, 1, 2, 2),
                    t(shape(1, 1, 2, 2), -1, -2, -3, -4), t(shape(1, 1, 3, 3), -1, -1, -2, -1, -1, -2, -3, -3, -4));
        }

        @Test
        void ceilModeAddsThePartialLastWindow() {
            // x(y,x) = 5y + x in 5x5, 2x2 stride 2 no padding. The max of a window is at its largest row and column.
            // floor: 2x2 windows rows {0,1},{2,3}:      (5*1+1) = 6, 8 / 16, 18
            // ceil:  3x3, last window rows/cols {4}:    6 8 9 / 16 18 19 / 21 23 24
            Window w = Window.of(2, 2, 2, Padding.VALID);
            assertComputes(single(max(w, false), 1, 1, 5, 5), iota(1, 1, 5, 5), t(shape(1, 1, 2, 2), 6, 8, 16, 18));
            assertComputes(single(max(w, true), 1, 1, 5, 5), iota(1, 1, 5, 5), t(shape(1, 1, 3, 3), 6, 8, 9, 16, 18, 19, 21, 23, 24));
        }
    }

    @Nested
    class AveragePool {
        @Test
        void paddingExcludedFromTheCountDividesByTheTapsInside() {
            // 3x3 stride 1 pad 1 on 1..9: neighbourhood sums 12 21 16 / 27 45 33 / 24 39 28,
            // taps inside 4 6 4 / 6 9 6 / 4 6 4 -> 3 3.5 4 / 4.5 5 5.5 / 6 6.5 7
            assertComputes(single(avg(Window.of(3, 3, 1, Padding.symmetric(1, 1)), false, false), 1, 1, 3, 3), ONE_TO_NINE,
                    t(shape(1, 1, 3, 3), 3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7));
        }

        @Test
        void paddingIncludedInTheCountDividesByNine() {
            // same sums / 9: 12/9, 21/9, 16/9, 27/9 = 3, 45/9 = 5, 33/9, 24/9, 39/9, 28/9
            assertComputes(single(avg(Window.of(3, 3, 1, Padding.symmetric(1, 1)), false, true), 1, 1, 3, 3), ONE_TO_NINE,
                    t(shape(1, 1, 3, 3), 12 / 9f, 21 / 9f, 16 / 9f, 3, 5, 33 / 9f, 24 / 9f, 39 / 9f, 28 / 9f));
        }

        @Test
        void ceilModeAveragesThePartialWindowOverWhatItCovers() {
            // x(y,x) = 5y + x in 5x5, 2x2 stride 2, ceil: rows R0 = {0,1}, R1 = {2,3}, R2 = {4}; same for columns.
            // mean over R x C = 5 mean(R) + mean(C), mean(R) = 0.5, 2.5, 4:
            //   3 5 6.5 / 13 15 16.5 / 20.5 22.5 24
            // the part of the last window beyond the input is neither padding nor counted, with or without countIncludePad
            Tensor expected = t(shape(1, 1, 3, 3), 3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24);
            for (boolean includePad : new boolean[] {false, true}) {
                assertComputes(single(avg(Window.of(2, 2, 2, Padding.VALID), true, includePad), 1, 1, 5, 5), iota(1, 1, 5, 5), expected);
            }
        }

        @Test
        void ceilModeWithPaddingCountsThePaddingButNotTheOverhang() {
            // 1x4 row [1,2,3,4]; kernel 1x3 stride 2, pad left 1 right 1 -> padded length 6, span 6 - 3 = 3,
            // ceil(3/2) + 1 = 3 windows starting at padded 0, 2, 4: {pad,1,2}, {2,3,4}, {4,pad,(beyond)}
            //   countIncludePad=false: 3/2 = 1.5, 9/3 = 3, 4/1 = 4
            //   countIncludePad=true:  3/3 = 1,   9/3 = 3, 4/2 = 2  (the tap beyond the right padding is never counted)
            Tensor x = t(shape(1, 1, 1, 4), 1, 2, 3, 4);
            Window w = new Window(1, 3, 1, 2, 1, 1, Padding.explicit(0, 1, 0, 1));
            assertComputes(single(avg(w, true, false), 1, 1, 1, 4), x, t(shape(1, 1, 1, 3), 1.5f, 3, 4));
            assertComputes(single(avg(w, true, true), 1, 1, 1, 4), x, t(shape(1, 1, 1, 3), 1, 3, 2));
        }
    }

    @Test
    void globalAveragePoolAveragesEachChannelPlane() {
        // c0 = 1..6 -> 21/6 = 3.5; c1 = [-1,0,1,2,3,7] -> 12/6 = 2
        assertComputes(single(new GlobalAveragePool(), 1, 2, 2, 3),
                t(shape(1, 2, 2, 3), 1, 2, 3, 4, 5, 6, -1, 0, 1, 2, 3, 7), t(shape(1, 2, 1, 1), 3.5f, 2));
    }

    @Nested
    class BatchNormalisation {
        // scale [3, 1], bias [1, -1], mean [1, 2], variance [3.99, 0.24], epsilon 0.01 -> sqrt(var + eps) = [2, 0.5]
        //   c0: 3 (x - 1) / 2 + 1        c1: (x - 2) / 0.5 - 1 = 2x - 5
        private final BatchNorm bn = new BatchNorm(new float[] {3, 1}, new float[] {1, -1}, new float[] {1, 2},
                new float[] {3.99f, 0.24f}, 0.01f);

        @Test
        void standaloneIsAPerChannelAffineMap() {
            // c0 = [1, 3] -> [1, 4]; c1 = [0, 4] -> [-5, 3]
            assertComputes(single(bn, 1, 2, 1, 2), t(shape(1, 2, 1, 2), 1, 3, 0, 4), t(shape(1, 2, 1, 2), 1, 4, -5, 3));
        }

        @Test
        void foldedIntoTheConvolutionGivesTheSameNumbersWithOneNodeFewer() {
            // 1x1 conv, Cin 1, Cout 2: weights [1, -1], bias [0, 1] on x = [1, 3]:
            //   conv c0 = [1, 3], conv c1 = [-1 + 1, -3 + 1] = [0, -2]
            //   then BN: c0 = 3 (x-1)/2 + 1 -> [1, 4];  c1 = 2x - 5 -> [-5, -9]
            Conv2d conv = new Conv2d(t(shape(2, 1, 1, 1), 1, -1), new float[] {0, 1}, Window.of(1, 1, 1, Padding.VALID), 1, null);
            Graph g = Graph.builder().input("x", 1, 1, 1, 2).node("conv", conv, "x").node("bn", bn, "conv").output("bn").build();
            Tensor x = t(shape(1, 1, 1, 2), 1, 3);
            Tensor expected = t(shape(1, 2, 1, 2), 1, 4, -5, -9);

            Graph optimized = GraphOptimizer.optimize(g);
            assertEquals(g.nodes().size() - 1, optimized.nodes().size());
            assertInstanceOf(Conv2d.class, optimized.node("bn").op(), "the folded node is a convolution named after the batch norm");
            assertEquals(1, new DenseExecutor(g).graph().nodes().size(), "the executor runs the optimized graph");
            assertComputes(g, x, expected);

            // The same network with the convolution's output also exported cannot be folded: batch norm runs on its own.
            Graph unfolded = Graph.builder().input("x", 1, 1, 1, 2).node("conv", conv, "x").node("bn", bn, "conv")
                    .output("bn").output("conv").build();
            assertEquals(2, GraphOptimizer.optimize(unfolded).nodes().size());
            assertInstanceOf(BatchNorm.class, GraphOptimizer.optimize(unfolded).node("bn").op());
            assertComputes(unfolded, Map.of("x", x), Map.of("bn", expected, "conv", t(shape(1, 2, 1, 2), 1, 3, 0, -2)));
        }
    }
}
