package org.cbinfer.kernels.io.tfjs;

import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The layout changes between TensorFlow (NHWC activations, HWIO filters) and the engine (NCHW, OIHW).
 * The importer's invariant: every rank-4 value of the produced graph is NCHW; values of other ranks keep
 * TensorFlow's shape and order.
 */
final class Layouts {
    /** NHWC to NCHW, as a permutation (output dim i = input dim PERM[i]). */
    static final int[] NHWC_TO_NCHW = {0, 3, 1, 2};
    static final int[] NCHW_TO_NHWC = {0, 2, 3, 1};
    /** HWIO (conv filter) or HW(Out)(In) (transposed-conv filter) to [dim 3, dim 2, H, W]. */
    private static final int[] FILTER_TO_OIHW = {3, 2, 0, 1};
    /** HW(In)(Multiplier) depthwise filter to [In, Multiplier, H, W]. */
    private static final int[] DEPTHWISE_TO_IMHW = {2, 3, 0, 1};
    /** Where each NHWC axis is in NCHW: N 0, H 2, W 3, C 1. */
    private static final int[] NCHW_AXIS_OF_NHWC = {0, 2, 3, 1};

    private Layouts() {}

    static int[] permute(int[] shape, int[] perm) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = shape[perm[i]];
        return out;
    }

    /**
     * Whether an NHWC tensor of this shape has its values in the same order as its NCHW transpose, so that
     * moving between the layouts is a mere reshape: true when C is 1, or when H and W are both 1.
     */
    static boolean orderInvariant(int[] nhwc) {
        return nhwc[3] == 1 || (nhwc[1] == 1 && nhwc[2] == 1);
    }

    /** A TensorFlow axis of a value of the given rank as the engine's axis (rank-4 values are NCHW). */
    static int axis(int tfAxis, int rank) {
        int a = Shapes.axis(tfAxis, rank);
        return rank == 4 ? NCHW_AXIS_OF_NHWC[a] : a;
    }

    /** Conv2D filter HWIO to [Cout, Cin, kh, kw]. */
    static Tensor convFilter(TfTensor hwio) {
        return permute(hwio, FILTER_TO_OIHW);
    }

    /** Conv2DBackpropInput filter HW(Out)(In) to the engine's transposed-convolution weight [Cin, Cout, kh, kw]. */
    static Tensor transposedConvFilter(TfTensor hwoi) {
        return permute(hwoi, FILTER_TO_OIHW);
    }

    /** Depthwise filter HW(I)(M) to [I*M, 1, kh, kw]; output channel i*M + m, as in TensorFlow. */
    static Tensor depthwiseFilter(TfTensor hwim) {
        Tensor imhw = permute(hwim, DEPTHWISE_TO_IMHW);
        int[] s = imhw.shapeRef();
        return imhw.reshape(s[0] * s[1], 1, s[2], s[3]);
    }

    /**
     * A constant that broadcasts against NHWC values, made to broadcast the same way against NCHW values:
     * its shape is padded with leading 1s to rank 4 and its values transposed. Scalars stay scalars.
     */
    static Tensor imageConstant(TfTensor c) {
        if (c.rank() == 0) return c.tensor();
        if (c.rank() > 4) throw new IllegalArgumentException("constant " + c + " has rank above 4");
        return permute(TfTensor.ofFloats(padToRank4(c.shape()), c.values()), NHWC_TO_NCHW);
    }

    /** A shape of rank up to 4 with leading 1s added to make it rank 4 (how numpy broadcasting aligns it). */
    static int[] padToRank4(int[] shape) {
        int[] out = {1, 1, 1, 1};
        System.arraycopy(shape, 0, out, 4 - shape.length, shape.length);
        return out;
    }

    /** Transposes a rank-4 constant: output dim i is input dim {@code perm[i]}. */
    private static Tensor permute(TfTensor t, int[] perm) {
        if (t.rank() != 4) throw new IllegalArgumentException("expected a rank-4 filter, got " + t);
        int[] in = t.shape();
        int[] out = permute(in, perm);
        int[] inStrides = Shapes.strides(in);
        int[] stride = permute(inStrides, perm); // input stride of each output dim
        float[] src = t.values();
        float[] dst = new float[src.length];
        int k = 0;
        for (int a = 0; a < out[0]; a++) {
            for (int b = 0; b < out[1]; b++) {
                for (int c = 0; c < out[2]; c++) {
                    int base = a * stride[0] + b * stride[1] + c * stride[2];
                    for (int d = 0; d < out[3]; d++) dst[k++] = src[base + d * stride[3]];
                }
            }
        }
        return Tensor.of(out, dst);
    }
}
