package org.cbinfer.kernels.cpu;

import static org.cbinfer.kernels.cpu.OpHarness.assertComputes;
import static org.cbinfer.kernels.cpu.OpHarness.iota;
import static org.cbinfer.kernels.cpu.OpHarness.shape;
import static org.cbinfer.kernels.cpu.OpHarness.single;
import static org.cbinfer.kernels.cpu.OpHarness.t;
import static org.cbinfer.kernels.cpu.OpHarness.withConstant;

import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.ArgMax;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.DepthToSpace;
import org.cbinfer.kernels.graph.ops.Flatten;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.MatMul;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Softmax;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Layout and reduction ops (depth-to-space, softmax, argmax, reshape, flatten, transpose, matmul) and the
 * squeeze-excitation block built from them, on hand-sized inputs (dense and change-based).
 */
class TensorOpsTest {

    @Nested
    class DepthToSpaceOp {
        // 8 channels of 1x2; channel k holds [10k, 10k + 1]. Block 2 -> 2 channels of 2x4.
        private final Tensor x = t(shape(1, 8, 1, 2), 0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61, 70, 71);

        @Test
        void dcrTakesTheBlockOffsetFromTheOuterChannelIndex() {
            // DCR: out[c, 2h + by, 2w + bx] = in[(2 by + bx) * 2 + c, h, w]
            //   c0 reads channels 0 (by0 bx0), 2 (by0 bx1), 4 (by1 bx0), 6 (by1 bx1); c1 reads 1, 3, 5, 7
            //   c0 row0 = [in0 w0, in2 w0, in0 w1, in2 w1] = [0, 20, 1, 21]; row1 = [40, 60, 41, 61]
            assertComputes(single(new DepthToSpace(2, false), 1, 8, 1, 2), x, t(shape(1, 2, 2, 4),
                    0, 20, 1, 21, 40, 60, 41, 61,
                    10, 30, 11, 31, 50, 70, 51, 71));
        }

        @Test
        void crdTakesTheBlockOffsetFromTheInnerChannelIndex() {
            // CRD (PixelShuffle): out[c, 2h + by, 2w + bx] = in[4c + 2 by + bx, h, w]: c0 reads 0..3, c1 reads 4..7
            assertComputes(single(new DepthToSpace(2, true), 1, 8, 1, 2), x, t(shape(1, 2, 2, 4),
                    0, 10, 1, 11, 20, 30, 21, 31,
                    40, 50, 41, 51, 60, 70, 61, 71));
        }
    }

    @Nested
    class SoftmaxOp {
        @Test
        void overTheChannelsOfAnImage() {
            // position 0 has channels [0, ln 2, ln 5] -> e^x = [1, 2, 5] / 8 = [.125, .25, .625]; position 1 is [1, 1, 1] -> 1/3 each
            float ln2 = (float) Math.log(2), ln5 = (float) Math.log(5);
            assertComputes(single(new Softmax(1), 1, 3, 1, 2), t(shape(1, 3, 1, 2), 0, 1, ln2, 1, ln5, 1),
                    t(shape(1, 3, 1, 2), 0.125f, 1 / 3f, 0.25f, 1 / 3f, 0.625f, 1 / 3f));
        }

        @Test
        void overTheLastAxisOfAMatrix() {
            // [1,2,3]: e^-2 = 0.1353353, e^-1 = 0.3678794, 1; sum 1.5032147 -> 0.0900306, 0.2447285, 0.6652410
            // [0,0,ln 3]: [1,1,3] / 5
            // [1000,1000,1001]: must not overflow; = [1,1,e] / (2 + e) = 0.2119416, 0.2119416, 0.5761169
            float ln3 = (float) Math.log(3);
            assertComputes(single(new Softmax(-1), 3, 3), t(shape(3, 3), 1, 2, 3, 0, 0, ln3, 1000, 1000, 1001),
                    t(shape(3, 3), 0.0900306f, 0.2447285f, 0.6652410f, 0.2f, 0.2f, 0.6f, 0.2119416f, 0.2119416f, 0.5761169f));
        }
    }

    @Nested
    class ArgMaxOp {
        // three positions; channels c0 = [1,5,2], c1 = [3,5,2], c2 = [2,0,2]
        // position 0: max 3 in c1; position 1: tie 5 in c0 and c1; position 2: tie 2 in c0, c1, c2
        private final Tensor x = t(shape(1, 3, 1, 3), 1, 5, 2, 3, 5, 2, 2, 0, 2);

        @Test
        void overChannelsKeepingTheAxisReturnsTheFirstMaximum() {
            assertComputes(single(new ArgMax(1, true, false), 1, 3, 1, 3), x, t(shape(1, 1, 1, 3), 1, 0, 0));
        }

        @Test
        void selectLastIndexReturnsTheLastMaximumOnTies() {
            assertComputes(single(new ArgMax(1, true, true), 1, 3, 1, 3), x, t(shape(1, 1, 1, 3), 1, 1, 2));
        }

        @Test
        void withoutKeepDimsTheAxisIsDropped() {
            assertComputes(single(new ArgMax(1, false, false), 1, 3, 1, 3), x, t(shape(1, 1, 3), 1, 0, 0));
        }

        @Test
        void overTheLastAxis() {
            // rows [1,5,2] -> 1, [3,5,2] -> 1, [2,0,2] -> 0 (first) or 2 (last)
            assertComputes(single(new ArgMax(-1, false, false), 1, 3, 1, 3), x, t(shape(1, 3, 1), 1, 1, 0));
            assertComputes(single(new ArgMax(-1, false, true), 1, 3, 1, 3), x, t(shape(1, 3, 1), 1, 1, 2));
        }
    }

    @Nested
    class ShapeOps {
        // values 0..11 in [1, 2, 2, 3]: v = 6c + 3h + w
        private final Tensor x = iota(1, 2, 2, 3);

        private Tensor valuesInOrder(int... shape) {
            return iota(shape);
        }

        @Test
        void reshapeZeroCopiesTheDimensionAndMinusOneIsInferred() {
            assertComputes(single(new Reshape(new int[] {0, -1}, false), 1, 2, 2, 3), x, valuesInOrder(1, 12));
            assertComputes(single(new Reshape(new int[] {0, 3, -1, 1}, false), 1, 2, 2, 3), x, valuesInOrder(1, 3, 4, 1));
            // 0 at index 1 copies the input's dim 1 (= 2); -1 = 12 / 2 = 6
            assertComputes(single(new Reshape(new int[] {-1, 0}, false), 1, 2, 2, 3), x, valuesInOrder(6, 2));
        }

        @Test
        void flattenSplitsAtTheAxis() {
            // axis 2: rows = 1 * 2, columns = 2 * 3
            assertComputes(single(new Flatten(2), 1, 2, 2, 3), x, valuesInOrder(2, 6));
            // axis 0: a single row
            assertComputes(single(new Flatten(0), 1, 2, 2, 3), x, valuesInOrder(1, 12));
        }

        @Test
        void transposeNchwToNhwc() {
            // out[0, h, w, c] = 6c + 3h + w, in (h, w, c) order
            assertComputes(single(new Transpose(new int[] {0, 2, 3, 1}), 1, 2, 2, 3), x,
                    t(shape(1, 2, 3, 2), 0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11));
        }

        @Test
        void transposeAMatrix() {
            assertComputes(single(new Transpose(new int[] {1, 0}), 2, 3), t(shape(2, 3), 1, 2, 3, 4, 5, 6),
                    t(shape(3, 2), 1, 4, 2, 5, 3, 6));
        }
    }

    @Nested
    class MatMulOp {
        @Test
        void twoDimensional() {
            // [[1,2,3],[4,5,6]] x [[1,0],[0,1],[1,-1]] = [[1+3, 2-3], [4+6, 5-6]]
            assertComputes(withConstant(new MatMul(), t(shape(3, 2), 1, 0, 0, 1, 1, -1), 2, 3),
                    t(shape(2, 3), 1, 2, 3, 4, 5, 6), t(shape(2, 2), 4, -1, 10, -1));
        }

        @Test
        void batchedAgainstOneMatrix() {
            // batches [[1,2],[3,4]] and [[0,1],[1,0]] times [[1,1],[0,2]]:
            //   [[1, 1+4], [3, 3+8]] = [[1,5],[3,11]];  [[0,2],[1,1]]
            assertComputes(withConstant(new MatMul(), t(shape(2, 2), 1, 1, 0, 2), 2, 2, 2),
                    t(shape(2, 2, 2), 1, 2, 3, 4, 0, 1, 1, 0), t(shape(2, 2, 2), 1, 5, 3, 11, 0, 2, 1, 1));
        }

        @Test
        void batchDimensionsBroadcastAgainstEachOther() {
            // a: [2,1, 1x2] rows a0 = [1,2], a1 = [3,4]; b: [3, 2x1] columns b0 = [1,0], b1 = [0,1], b2 = [1,1]
            // out [2,3,1,1]: a_i . b_j = [1, 2, 3] and [3, 4, 7]
            assertComputes(withConstant(new MatMul(), t(shape(3, 2, 1), 1, 0, 0, 1, 1, 1), 2, 1, 1, 2),
                    t(shape(2, 1, 1, 2), 1, 2, 3, 4), t(shape(2, 3, 1, 1), 1, 2, 3, 3, 4, 7));
        }

        @Test
        void aVectorTimesAMatrix() {
            // [1,2] x [[1,0,1],[0,1,1]] = [1, 2, 3] (rank-1 operand promoted, then the axis dropped)
            assertComputes(withConstant(new MatMul(), t(shape(2, 3), 1, 0, 1, 0, 1, 1), 2),
                    t(shape(2), 1, 2), t(shape(3), 1, 2, 3));
        }
    }

    @Test
    void squeezeExcitationBlock() {
        // x: c0 = [1,2,3,4] (2x2), c1 = [0,0,4,4]
        // GAP -> [2.5, 2] -> Reshape [1, 2]
        // MatMul W = [[0.4, 0], [-0.5, 1]] -> [2.5*0.4 - 2*0.5, 2*1] = [0, 2]; Add [0, -1] -> [0, 1]
        // Sigmoid -> [0.5, 0.7310586]; Reshape [1, 2, 1, 1]; Mul x -> c0 = [.5, 1, 1.5, 2], c1 = [0, 0, 4 * 0.7310586 = 2.9242344, 2.9242344]
        Graph g = Graph.builder().input("x", 1, 2, 2, 2)
                .constant("w", t(shape(2, 2), 0.4f, 0, -0.5f, 1))
                .constant("b", t(shape(2), 0, -1))
                .node("gap", new GlobalAveragePool(), "x")
                .node("flat", new Reshape(new int[] {1, -1}, false), "gap")
                .node("fc", new MatMul(), "flat", "w")
                .node("fc_bias", new Binary(Binary.Kind.ADD), "fc", "b")
                .node("gate", new Unary(Activation.SIGMOID), "fc_bias")
                .node("gate4d", new Reshape(new int[] {1, -1, 1, 1}, false), "gate")
                .node("scaled", new Binary(Binary.Kind.MUL), "x", "gate4d")
                .output("scaled").output("gate").build();
        assertComputes(g, Map.of("x", t(shape(1, 2, 2, 2), 1, 2, 3, 4, 0, 0, 4, 4)), Map.of(
                "gate", t(shape(1, 2), 0.5f, 0.7310586f),
                "scaled", t(shape(1, 2, 2, 2), 0.5f, 1, 1.5f, 2, 0, 0, 2.9242344f, 2.9242344f)));
    }
}
