package org.cbinfer.kernels.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.MatMul;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Models that cannot be run are refused with an exception that says where: structural errors when the graph
 * is built, shape errors when shapes are inferred (before anything runs), bad weights when the op is made.
 */
class GraphErrorsTest {

    private static final Unary RELU = new Unary(Activation.RELU);

    static Conv2d conv(int cout, int cin, int k) {
        return new Conv2d(Tensor.zeros(cout, cin, k, k), null, Window.of(k, k, 1, Padding.symmetric(k / 2, k / 2)), 1, null);
    }

    static ModelException assertModelError(Executable e, String node, String... fragments) {
        ModelException ex = assertThrows(ModelException.class, e);
        assertEquals(node, ex.node(), ex.getMessage());
        if (node != null) assertTrue(ex.getMessage().startsWith("node '" + node + "': "), ex.getMessage());
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "'" + f + "' in: " + ex.getMessage());
        return ex;
    }

    @Nested
    class Structure {
        @Test
        void anUndefinedInputReference() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("r", RELU, "x").node("c", RELU, "nope")
                    .output("c").build(), "c", "input 'nope' is not defined");
        }

        @Test
        void aDuplicateNodeName() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("a", RELU, "x").node("a", RELU, "x")
                    .output("a").build(), "a", "duplicate value name");
        }

        @Test
        void aNodeNamedLikeAnInputOrAConstant() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("x", RELU, "x").output("x").build(),
                    "x", "duplicate value name");
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).constant("k", Tensor.scalar(1))
                    .node("k", RELU, "x").output("k").build(), "k", "duplicate value name");
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).input("x", 1, 1, 4, 4).node("r", RELU, "x")
                    .output("r").build(), "x", "duplicate value name");
        }

        @Test
        void theWrongNumberOfInputs() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("add", new Binary(Binary.Kind.ADD), "x")
                    .output("add").build(), "add", "Add takes 2 inputs, got 1");
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("c", conv(1, 1, 3), "x", "x")
                    .output("c").build(), "c", "Conv takes 1 inputs, got 2");
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("cat", new Concat(1), List.of())
                    .output("cat").build(), "cat", "Concat takes 1..n inputs, got 0");
        }

        @Test
        void aCycle() {
            // a = x + b, b = relu(a): every name is defined, but a and b wait on each other
            ModelException e = assertThrows(ModelException.class, () -> Graph.builder().input("x", 1, 1, 4, 4)
                    .node("a", new Binary(Binary.Kind.ADD), "x", "b").node("b", RELU, "a").node("out", RELU, "b")
                    .output("out").build());
            assertTrue(e.getMessage().contains("graph has a cycle"), e.getMessage());
            assertTrue(List.of("a", "b", "out").contains(e.node()), "names a node on or after the cycle: " + e.node());
        }

        @Test
        void aSelfLoop() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("r", RELU, "r").output("r").build(),
                    "r", "graph has a cycle");
        }

        @Test
        void noOutputs() {
            ModelException e = assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("r", RELU, "x").build(),
                    null, "graph has no outputs");
            assertNull(e.node());
        }

        @Test
        void anUndefinedOutput() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("r", RELU, "x").output("ghost").build(),
                    "ghost", "graph output is not defined");
        }

        @Test
        void aNodeWithoutAnOp() {
            assertModelError(() -> Graph.builder().input("x", 1, 1, 4, 4).node("r", null, "x").output("r").build(),
                    "r", "node has no op");
        }

        @Test
        void nodesAreOrderedTopologicallyWhateverOrderTheyAreAddedIn() {
            Graph g = Graph.builder().input("x", 1, 1, 4, 4).node("c", RELU, "b").node("b", RELU, "a").node("a", RELU, "x")
                    .output("c").build();
            assertEquals(List.of("a", "b", "c"), g.nodes().stream().map(Node::name).toList());
        }
    }

    @Nested
    class Shapes {
        @Test
        void convolutionWeightChannelsDifferFromTheInputChannels() {
            // weight [2, 2, 3, 3] expects 2 input channels; the input has 3
            Graph g = Graph.builder().input("x", 1, 3, 4, 4).node("conv", conv(2, 2, 3), "x").output("conv").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 3, 4, 4}), "conv",
                    "Conv on [1, 3, 4, 4]", "input has 3 channels, weight expects 2");
            Tensor frame = Tensor.zeros(1, 3, 4, 4);
            assertModelError(() -> new DenseExecutor(g).run(frame), "conv", "input has 3 channels");
            assertModelError(() -> new ChangeBasedSession(g, Thresholds.uniform(0f)).process(frame), "conv", "input has 3 channels");
        }

        @Test
        void theErrorNamesTheConsumerNotTheProducer() {
            // c1 makes 2 channels, c2 wants 3
            Graph g = Graph.builder().input("x", 1, 1, 4, 4).node("c1", conv(2, 1, 3), "x").node("c2", conv(4, 3, 3), "c1")
                    .output("c2").build();
            assertModelError(() -> new DenseExecutor(g).run(Tensor.zeros(1, 1, 4, 4)), "c2", "input has 2 channels, weight expects 3");
        }

        @Test
        void concatInputsThatDifferOffTheAxis() {
            Graph g = Graph.builder().input("x", 1, 1, 4, 4).constant("k", Tensor.zeros(1, 1, 3, 4))
                    .node("cat", new Concat(1), "x", "k").output("cat").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 1, 4, 4}), "cat",
                    "concat inputs differ outside axis 1: [1, 1, 4, 4] vs [1, 1, 3, 4]");
            assertModelError(() -> new DenseExecutor(g).run(Tensor.zeros(1, 1, 4, 4)), "cat", "concat inputs differ");
        }

        @Test
        void concatInputsOfDifferentRanks() {
            Graph g = Graph.builder().input("x", 1, 1, 4, 4).constant("k", Tensor.zeros(1, 4, 4))
                    .node("cat", new Concat(1), "x", "k").output("cat").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 1, 4, 4}), "cat", "concat inputs have ranks 4 and 3");
        }

        @Test
        void operandsThatDoNotBroadcast() {
            Graph g = Graph.builder().input("x", 1, 2, 4, 4).constant("k", Tensor.zeros(1, 3, 1, 1))
                    .node("mul", new Binary(Binary.Kind.MUL), "x", "k").output("mul").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 2, 4, 4}), "mul", "do not broadcast");
        }

        @Test
        void matmulInnerDimensionsThatDiffer() {
            Graph g = Graph.builder().input("x", 2, 3).constant("w", Tensor.zeros(4, 2))
                    .node("fc", new MatMul(), "x", "w").output("fc").build();
            assertModelError(() -> g.inferShapes(new int[] {2, 3}), "fc", "matmul inner dimensions differ");
        }

        @Test
        void aKernelLargerThanTheUnpaddedInput() {
            Conv2d big = new Conv2d(Tensor.zeros(1, 1, 5, 5), null, Window.of(5, 5, 1, Padding.VALID), 1, null);
            Graph g = Graph.builder().input("x", 1, 1, -1, -1).node("big", big, "x").output("big").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 1, 3, 3}), "big", "larger than padded input 3");
        }

        @Test
        void aPoolingWindowLyingEntirelyInThePadding() {
            // 2x2 windows with padding 2 on a 2x2 input: the first and last windows see no input value at all
            // (max would be -infinity, the average 0/0); the model is refused when it is planned, naming the node
            for (Pool.Kind kind : Pool.Kind.values()) {
                Graph g = Graph.builder().input("x", 1, 1, 2, 2)
                        .node("pool", new Pool(kind, Window.of(2, 2, 1, Padding.symmetric(2, 2)), false, false), "x")
                        .output("pool").build();
                Tensor frame = Tensor.zeros(1, 1, 2, 2);
                assertModelError(() -> new DenseExecutor(g).run(frame), "pool", "pooling window 0 along H lies entirely in the padding");
                assertModelError(() -> new ChangeBasedSession(g, Thresholds.uniform(0f)).process(frame), "pool", "entirely in the padding");
            }
        }

        @Test
        void batchNormChannelsThatDifferFromTheInput() {
            BatchNorm bn = new BatchNorm(new float[] {1, 1}, new float[2], new float[2], new float[] {1, 1}, 1e-5f);
            Graph g = Graph.builder().input("x", 1, 3, 2, 2).node("bn", bn, "x").output("bn").build();
            assertModelError(() -> g.inferShapes(new int[] {1, 3, 2, 2}), "bn", "does not match 2 batch norm channels");
        }
    }

    @Nested
    class Weights {
        static IllegalArgumentException assertIllegal(Executable e, String fragment) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
            assertTrue(ex.getMessage().contains(fragment), "'" + fragment + "' in: " + ex.getMessage());
            return ex;
        }

        @Test
        void convBiasLengthDiffersFromOutputChannels() {
            assertIllegal(() -> new Conv2d(Tensor.zeros(2, 1, 3, 3), new float[3], Window.of(3, 3, 1, Padding.SAME), 1, null),
                    "bias has 3 values for 2 output channels");
        }

        @Test
        void convWindowDiffersFromTheWeightKernel() {
            assertIllegal(() -> new Conv2d(Tensor.zeros(2, 1, 3, 3), null, Window.of(5, 5, 1, Padding.SAME), 1, null),
                    "window 5x5 does not match weight Tensor[2, 1, 3, 3]");
        }

        @Test
        void convWeightOfTheWrongRankOrGroupCount() {
            assertIllegal(() -> new Conv2d(Tensor.zeros(2, 9), null, Window.of(3, 3, 1, Padding.SAME), 1, null),
                    "weight must be [Cout, Cin/groups, kh, kw]");
            assertIllegal(() -> new Conv2d(Tensor.zeros(3, 1, 3, 3), null, Window.of(3, 3, 1, Padding.SAME), 2, null),
                    "Cout 3 not divisible by groups 2");
            assertIllegal(() -> new Conv2d(Tensor.zeros(2, 1, 3, 3), null, Window.of(3, 3, 1, Padding.SAME), 0, null),
                    "groups must be positive");
        }

        @Test
        void transposedConvBiasAndGeometry() {
            assertIllegal(() -> new ConvTranspose2d(Tensor.zeros(1, 2, 3, 3), new float[1], 2, 2, 1, 1, 0, 0, 0, 0, 0, 0,
                    null, true, 1, null), "bias length does not match Cout");
            assertIllegal(() -> new ConvTranspose2d(Tensor.zeros(1, 2, 3, 3), null, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0,
                    null, true, 1, null), "stride and dilation must be positive");
            assertIllegal(() -> new ConvTranspose2d(Tensor.zeros(1, 2, 3, 3), null, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0,
                    new int[] {4}, true, 1, null), "output size must be {h, w}");
        }

        @Test
        void batchNormParametersOfDifferentLengths() {
            assertIllegal(() -> new BatchNorm(new float[2], new float[2], new float[3], new float[2], 1e-5f),
                    "batch norm parameters have different lengths");
        }

        @Test
        void windowsAndPaddingsOutOfRange() {
            assertIllegal(() -> Window.of(0, 3, 1, Padding.VALID), "kernel size must be positive");
            assertIllegal(() -> Window.of(3, 3, 0, Padding.VALID), "stride must be positive");
            assertIllegal(() -> new Window(3, 3, 1, 1, 0, 1, Padding.VALID), "dilation must be positive");
            assertIllegal(() -> Padding.explicit(-1, 0, 0, 0), "negative padding");
        }

        @Test
        void aTensorWhoseDataDoesNotFitItsShape() {
            assertIllegal(() -> Tensor.of(new int[] {2, 3}, new float[5]), "shape [2, 3] needs 6 values, got 5");
        }

        @Test
        void aConstantWeightThatDoesNotFitIsCaughtAtShapeInference() {
            // a well-formed op fed a constant of the wrong shape: the node is named
            Graph g = Graph.builder().input("x", 1, 2, 2, 2).constant("slope", Tensor.zeros(1, 4, 1, 1))
                    .node("prelu", new Binary(Binary.Kind.PRELU), "x", "slope").output("prelu").build();
            assertModelError(() -> new DenseExecutor(g).run(Map.of("x", Tensor.zeros(1, 2, 2, 2))), "prelu", "do not broadcast");
        }
    }
}
