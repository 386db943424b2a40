package org.cbinfer.kernels.graph.ops;

/**
 * One operation of a network graph. Ops are immutable descriptions (parameters and weights);
 * backends decide how to compute them. Logical layout is NCHW, as in ONNX.
 */
public sealed interface Op
        permits Conv2d, ConvTranspose2d, Pool, GlobalAveragePool, BatchNorm, Unary, Binary, Concat, Resize, Pad,
                DepthToSpace, Softmax, ArgMax, Reshape, Flatten, Transpose, MatMul {

    /** The op's name in layer tables and error messages, e.g. {@code Conv}. */
    String type();

    /** How many inputs the op takes: at least... */
    default int minInputs() {
        return 1;
    }

    /** ...and at most. */
    default int maxInputs() {
        return 1;
    }

    /**
     * The output shape for the given input shapes.
     *
     * @throws IllegalArgumentException saying what is inconsistent
     */
    int[] outputShape(int[][] inputs);

    /** Multiply-accumulates of a dense evaluation (0 for ops that do none worth counting). */
    default long macs(int[][] inputs, int[] output) {
        return 0;
    }

    /** A short description of the parameters for layer tables. */
    default String describe() {
        return "";
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    static void requireImage(int[] shape, String what) {
        require(shape.length == 4, what + " needs a 4-D NCHW input, got rank " + shape.length);
        require(shape[0] == 1, what + " supports batch size 1, got " + shape[0]);
        require(shape[1] > 0 && shape[2] > 0 && shape[3] > 0, what + " got an empty input " + java.util.Arrays.toString(shape));
    }
}
