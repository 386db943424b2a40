package org.cbinfer.kernels.io.tfjs;

import java.util.Arrays;
import java.util.List;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Convolutions: {@code Conv2D}, {@code DepthwiseConv2dNative}, their grappler-fused forms {@code _FusedConv2D} and
 * {@code FusedDepthwiseConv2dNative} (bias and activation folded into the engine's op), and the transposed
 * convolution {@code Conv2DBackpropInput}. Filters are converted from HWIO / HW(I)(M) / HW(Out)(In).
 */
final class ConvOps {
    private ConvOps() {}

    /** Conv2D and _FusedConv2D: input, HWIO filter, then the fused ops' arguments. */
    static void conv2d(TfNode n, GraphTranslator ctx) {
        TfTensor filter = ctx.constant(n, 1);
        convolution(n, ctx, Layouts.convFilter(filter), 1);
    }

    /** DepthwiseConv2dNative and FusedDepthwiseConv2dNative: the HW(I)(M) filter becomes I groups of M outputs. */
    static void depthwise(TfNode n, GraphTranslator ctx) {
        TfTensor filter = ctx.constant(n, 1);
        Tensor w = Layouts.depthwiseFilter(filter);
        convolution(n, ctx, w, filter.shape()[2]);
    }

    private static void convolution(TfNode n, GraphTranslator ctx, Tensor weight, int groups) {
        Window window = Windows.of(n, weight.dim(2), weight.dim(3));
        List<String> fused = n.strings("fused_ops");
        float[] bias = null;
        Activation act = Activation.IDENTITY;
        if (!fused.isEmpty()) {
            if (!fused.get(0).equals("BiasAdd") || fused.size() > 2 || n.inputs().size() != 3) {
                throw unsupportedFusion(n, fused);
            }
            bias = ctx.constant(n, 2).values();
            if (fused.size() == 2) {
                act = Activations.of(fused.get(1), n, "leakyrelu_alpha");
                if (act == null) throw unsupportedFusion(n, fused);
            }
        }
        ctx.result(n, new Conv2d(weight, bias, window, groups, act), ctx.operand(n.input(0), true));
    }

    private static ModelException unsupportedFusion(TfNode n, List<String> fused) {
        return new ModelException(n.name(), n.op() + " with fused_ops " + fused + " (" + n.inputs().size()
                + " inputs) is not supported; supported: BiasAdd optionally followed by one of " + Activations.SUPPORTED);
    }

    /**
     * Conv2DBackpropInput(output size, HW(Out)(In) filter, input): the gradient of a forward convolution whose
     * input has the given size. Its padding follows from that forward convolution at the nominal input size.
     */
    static void transposed(TfNode n, GraphTranslator ctx) {
        int[] size = ctx.constant(n, 0).ints();
        if (size == null || size.length != 4) throw new ModelException(n.name(), "output size must be 4 integers (NHWC)");
        TfTensor filter = ctx.constant(n, 1);
        Tensor w = Layouts.transposedConvFilter(filter);
        if (size[3] != w.dim(1)) {
            throw new ModelException(n.name(), "output size " + Arrays.toString(size) + " disagrees with the filter's "
                    + w.dim(1) + " output channels");
        }
        TfValue x = ctx.operand(n.input(2), true);
        ctx.requireFixedInputSize(n.name(), "Conv2DBackpropInput's constant output size");
        Window window = Windows.of(n, w.dim(2), w.dim(3));
        int[][] pads = new int[2][];
        int[] outputPadding = new int[2];
        for (int axis = 0; axis < 2; axis++) {
            int in = x.shape()[2 + axis];
            int out = size[1 + axis];
            int s = window.stride(axis);
            int span = (in - 1) * s + (window.kernel(axis) - 1) * window.dilation(axis) + 1;
            pads[axis] = forwardPads(window.padding(), axis, span - out);
            outputPadding[axis] = out - (span - pads[axis][0] - pads[axis][1]);
            if (outputPadding[axis] < 0 || outputPadding[axis] >= s) {
                throw new ModelException(n.name(), "output size " + out + " cannot come from input size " + in + " (axis "
                        + (axis == 0 ? "H" : "W") + ", stride " + s + ", padding " + window.padding() + ")");
            }
        }
        ctx.result(n, new ConvTranspose2d(w, null, window.strideH(), window.strideW(), window.dilationH(), window.dilationW(),
                pads[0][0], pads[1][0], pads[0][1], pads[1][1], outputPadding[0], outputPadding[1], null, false, 1,
                Activation.IDENTITY), x);
    }

    /** {before, after} padding of the forward convolution along an axis; SAME pads {@code excess} split as TensorFlow does. */
    private static int[] forwardPads(Padding p, int axis, int excess) {
        switch (p.mode()) {
            case SAME_UPPER: {
                int total = Math.max(excess, 0);
                return new int[] {total / 2, total - total / 2};
            }
            case EXPLICIT: return axis == 0 ? new int[] {p.top(), p.bottom()} : new int[] {p.left(), p.right()};
            default: return new int[] {0, 0};
        }
    }
}
