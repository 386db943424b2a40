package org.cbinfer.kernels.cpu;

import static org.cbinfer.kernels.cpu.OpHarness.assertComputes;
import static org.cbinfer.kernels.cpu.OpHarness.shape;
import static org.cbinfer.kernels.cpu.OpHarness.single;
import static org.cbinfer.kernels.cpu.OpHarness.t;
import static org.cbinfer.kernels.cpu.OpHarness.withConstant;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Standalone activations and binary ops with broadcasting, on hand-sized inputs (dense and change-based). */
class ElementwiseOpsTest {

    @Nested
    class Activations {
        private final Tensor x = t(shape(1, 1, 1, 6), -4, -2, -0.5f, 0, 0.5f, 3);

        private void check(Activation a, float... expected) {
            assertComputes(single(new Unary(a), 1, 1, 1, 6), x, t(shape(1, 1, 1, 6), expected));
        }

        @Test
        void identity() {
            check(Activation.IDENTITY, -4, -2, -0.5f, 0, 0.5f, 3);
        }

        @Test
        void relu() {
            check(Activation.RELU, 0, 0, 0, 0, 0.5f, 3);
        }

        @Test
        void clip() {
            check(Activation.clip(-1, 1), -1, -1, -0.5f, 0, 0.5f, 1);
        }

        @Test
        void relu6() {
            check(Activation.relu6(), 0, 0, 0, 0, 0.5f, 3);
        }

        @Test
        void leakyRelu() {
            // 0.2 * [-4, -2, -0.5] = [-0.8, -0.4, -0.1]
            check(Activation.leakyRelu(0.2f), -0.8f, -0.4f, -0.1f, 0, 0.5f, 3);
        }

        @Test
        void sigmoid() {
            // 1 / (1 + e^-x): e^4 = 54.59815 -> 0.0179862; e^2 = 7.389056 -> 0.1192029; e^0.5 = 1.6487213 -> 0.3775407;
            // 0.5; 1 - 0.3775407 = 0.6224593; e^-3 = 0.0497871 -> 0.9525741
            check(Activation.SIGMOID, 0.0179862f, 0.1192029f, 0.3775407f, 0.5f, 0.6224593f, 0.9525741f);
        }

        @Test
        void hardSigmoid() {
            // clamp(0.2 x + 0.5, 0, 1): -0.3 -> 0, 0.1, 0.4, 0.5, 0.6, 1.1 -> 1
            check(Activation.hardSigmoid(0.2f, 0.5f), 0, 0.1f, 0.4f, 0.5f, 0.6f, 1);
        }

        @Test
        void tanh() {
            // tanh 4 = 0.9993293, tanh 2 = 0.9640276, tanh 0.5 = 0.4621172, tanh 3 = 0.9950548 (odd function)
            check(Activation.TANH, -0.9993293f, -0.9640276f, -0.4621172f, 0, 0.4621172f, 0.9950548f);
        }

        @Test
        void theCasesAboveCoverEveryKind() {
            // a new kind must come with a hand-computed case here
            assertEquals(EnumSet.of(Activation.Kind.IDENTITY, Activation.Kind.RELU, Activation.Kind.CLIP,
                    Activation.Kind.LEAKY_RELU, Activation.Kind.SIGMOID, Activation.Kind.HARD_SIGMOID, Activation.Kind.TANH),
                    EnumSet.allOf(Activation.Kind.class));
        }
    }

    @Nested
    class BinaryOps {
        // x: c0 = [1, -2], c1 = [3, -4] (1x2 images)
        private final Tensor x = t(shape(1, 2, 1, 2), 1, -2, 3, -4);
        // per-channel constant [1, C, 1, 1] = [10, 0.5]
        private final Tensor perChannel = t(shape(1, 2, 1, 1), 10, 0.5f);
        private final Tensor scalar = Tensor.scalar(2);

        private void check(Binary.Kind kind, Tensor constant, float... expected) {
            assertComputes(withConstant(new Binary(kind), constant, 1, 2, 1, 2), x, t(shape(1, 2, 1, 2), expected));
        }

        @Test
        void addPerChannel() {
            check(Binary.Kind.ADD, perChannel, 11, 8, 3.5f, -3.5f);
        }

        @Test
        void subPerChannel() {
            check(Binary.Kind.SUB, perChannel, -9, -12, 2.5f, -4.5f);
        }

        @Test
        void mulPerChannel() {
            check(Binary.Kind.MUL, perChannel, 10, -20, 1.5f, -2);
        }

        @Test
        void divPerChannel() {
            check(Binary.Kind.DIV, perChannel, 0.1f, -0.2f, 6, -8);
        }

        @Test
        void preluPerChannelSlope() {
            // negatives times their channel's slope: -2 * 10 = -20, -4 * 0.5 = -2
            check(Binary.Kind.PRELU, perChannel, 1, -20, 3, -2);
        }

        @Test
        void addScalar() {
            check(Binary.Kind.ADD, scalar, 3, 0, 5, -2);
        }

        @Test
        void subScalar() {
            check(Binary.Kind.SUB, scalar, -1, -4, 1, -6);
        }

        @Test
        void mulScalar() {
            check(Binary.Kind.MUL, scalar, 2, -4, 6, -8);
        }

        @Test
        void divScalar() {
            check(Binary.Kind.DIV, scalar, 0.5f, -1, 1.5f, -2);
        }

        @Test
        void preluScalarSlope() {
            check(Binary.Kind.PRELU, scalar, 1, -4, 3, -8);
        }

        @Test
        void operandOrderMattersForSubAndDiv() {
            // k - x with k per channel: c0 = [10 - 1, 10 + 2] = [9, 12]; c1 = [0.5 - 3, 0.5 + 4] = [-2.5, 4.5]
            Graph sub = Graph.builder().input("x", 1, 2, 1, 2).constant("k", perChannel)
                    .node("y", new Binary(Binary.Kind.SUB), "k", "x").output("y").build();
            assertComputes(sub, x, t(shape(1, 2, 1, 2), 9, 12, -2.5f, 4.5f));
            // k / x with scalar k = 2: [2, -1, 2/3, -0.5]
            Graph div = Graph.builder().input("x", 1, 2, 1, 2).constant("k", scalar)
                    .node("y", new Binary(Binary.Kind.DIV), "k", "x").output("y").build();
            assertComputes(div, x, t(shape(1, 2, 1, 2), 2, -1, 2 / 3f, -0.5f));
        }

        @Test
        void twoGraphInputsOfTheSameShape() {
            // a = [1,2,3,4], b = [10,20,30,40]: a + b and a * b
            Tensor a = t(shape(1, 1, 2, 2), 1, 2, 3, 4), b = t(shape(1, 1, 2, 2), 10, 20, 30, 40);
            Graph g = Graph.builder().input("a", 1, 1, 2, 2).input("b", 1, 1, 2, 2)
                    .node("sum", new Binary(Binary.Kind.ADD), "a", "b")
                    .node("prod", new Binary(Binary.Kind.MUL), "a", "b")
                    .output("sum").output("prod").build();
            assertComputes(g, Map.of("a", a, "b", b), Map.of(
                    "sum", t(shape(1, 1, 2, 2), 11, 22, 33, 44),
                    "prod", t(shape(1, 1, 2, 2), 10, 40, 90, 160)));
        }
    }
}
