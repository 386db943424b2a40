package org.cbinfer.kernels.io.onnx;

import java.util.Arrays;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;

/** ONNX {@code Conv} and {@code ConvTranspose} (2-D, constant weights) as the engine's convolutions. */
final class ConvConverters {
    private ConvConverters() {}

    static void conv(OnnxNode n) {
        Tensor weight = weight(n);
        Window window = WindowAttributes.window(n, weight.dim(2), weight.dim(3));
        int groups = n.toInt(n.attributes().getInt("group", 1), "group");
        n.emit(new Conv2d(weight, bias(n), window, groups, Activation.IDENTITY), n.input(0));
    }

    /**
     * ConvTranspose. Padding comes from {@code pads}, or from {@code output_shape} / {@code auto_pad}
     * (target size {@code input * stride}) split as the ONNX specification says. Where the target is larger
     * than the unpadded output, the extra rows and columns are output padding at the end, as in ONNX Runtime.
     */
    static void convTranspose(OnnxNode n) {
        Tensor weight = weight(n);
        int[] stride = WindowAttributes.pair(n, "strides");
        int[] dilation = WindowAttributes.pair(n, "dilations");
        int[] outputPadding = n.toInts(n.attributes().getInts("output_padding", new long[2]), "output_padding");
        if (outputPadding.length != 2) throw n.fail("output_padding " + Arrays.toString(outputPadding) + " is not 2-D");
        int groups = n.toInt(n.attributes().getInt("group", 1), "group");
        Padding padding = WindowAttributes.padding(n);
        boolean padAtEnd = padding.mode() == Padding.Mode.SAME_UPPER;
        int[] target = targetSize(n, stride, padding);
        int[] pads = {padding.top(), padding.left(), padding.bottom(), padding.right()};
        int[] outputSize = null;
        if (target != null) {
            int[] in = n.shape(0);
            if (in == null || in.length != 4) {
                if (padding.mode() != Padding.Mode.EXPLICIT) {
                    throw n.fail("auto_pad " + padding.mode() + " needs the input's spatial size at import time");
                }
                outputSize = target;
            } else {
                for (int axis = 0; axis < 2; axis++) {
                    int effective = (weight.dim(2 + axis) - 1) * dilation[axis] + 1;
                    int total = stride[axis] * (in[2 + axis] - 1) + outputPadding[axis] + effective - target[axis];
                    if (total < 0) {
                        outputPadding[axis] -= total;
                        total = 0;
                    }
                    int half = total / 2;
                    pads[axis] = padAtEnd ? half : total - half;
                    pads[axis + 2] = total - pads[axis];
                }
            }
        }
        n.emit(new ConvTranspose2d(weight, bias(n), stride[0], stride[1], dilation[0], dilation[1],
                pads[0], pads[1], pads[2], pads[3], outputPadding[0], outputPadding[1], outputSize, padAtEnd,
                groups, Activation.IDENTITY), n.input(0));
    }

    /** The requested spatial output size: {@code output_shape}, or input * stride under SAME auto_pad; else null. */
    private static int[] targetSize(OnnxNode n, int[] stride, Padding padding) {
        long[] shape = n.attributes().getInts("output_shape", null);
        if (shape != null) {
            if (shape.length != 2 && shape.length != 4) throw n.fail("output_shape " + Arrays.toString(shape) + " is not 2-D");
            return n.toInts(Arrays.copyOfRange(shape, shape.length - 2, shape.length), "output_shape");
        }
        if (padding.mode() != Padding.Mode.SAME_UPPER && padding.mode() != Padding.Mode.SAME_LOWER) return null;
        int[] in = n.shape(0);
        if (in == null || in.length != 4) throw n.fail("auto_pad " + padding.mode() + " needs the input's spatial size at import time");
        return new int[] {n.toInt((long) in[2] * stride[0], "output height"), n.toInt((long) in[3] * stride[1], "output width")};
    }

    private static Tensor weight(OnnxNode n) {
        Tensor w = n.constantTensor(1, "weight");
        if (w.rank() != 4) {
            throw n.fail("weight " + Arrays.toString(w.shape()) + " is not 4-D; the engine supports 2-D convolutions only");
        }
        long[] k = n.attributes().getInts("kernel_shape", null);
        if (k != null && (k.length != 2 || k[0] != w.dim(2) || k[1] != w.dim(3))) {
            throw n.fail("kernel_shape " + Arrays.toString(k) + " does not match weight " + Arrays.toString(w.shape()));
        }
        return w;
    }

    private static float[] bias(OnnxNode n) {
        return n.has(2) ? n.constantTensor(2, "bias").data() : null;
    }
}
