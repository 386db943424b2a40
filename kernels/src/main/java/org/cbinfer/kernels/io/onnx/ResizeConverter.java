package org.cbinfer.kernels.io.onnx;

import java.util.Arrays;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Resize.CoordinateMode;
import org.cbinfer.kernels.graph.ops.Resize.NearestMode;

/**
 * Resize and Upsample of [N, C, H, W] along H and W, with constant scales or sizes.
 *
 * <p>Opset 11 on: the coordinate transformation and nearest-rounding attributes. Before that (Upsample,
 * Resize-10) coordinates are asymmetric and nearest takes the lower neighbour when upsampling and the upper
 * when downsampling, as ONNX Runtime does.
 */
final class ResizeConverter {
    private ResizeConverter() {}

    static void resize(OnnxNode n) {
        NodeAttributes a = n.attributes();
        Resize.Mode mode = mode(n, a.getString("mode", "nearest"));
        if (n.opset() < 11) {
            n.emit(legacy(n, mode, n.constantTensor(1, "scales").data()), n.input(0));
            return;
        }
        if (a.getInt("antialias", 0) != 0) throw n.fail("antialias=1 is not supported");
        String policy = a.getString("keep_aspect_ratio_policy", "stretch");
        if (!policy.equals("stretch")) throw n.fail("keep_aspect_ratio_policy '" + policy + "' is not supported");
        CoordinateMode coordinates = coordinateMode(n, a.getString("coordinate_transformation_mode", "half_pixel"));
        NearestMode nearest = nearestMode(n, a.getString("nearest_mode", "round_prefer_floor"));
        long[] axes = a.getInts("axes", null);
        Resize op;
        if (n.has(3) && !n.isEmptyConstant(3)) {
            long[] sizes = spread(n, axes, n.constantLongs(3, "sizes"), true);
            int[] in = n.shape(0);
            if (sizes[0] != (in == null ? 1 : in[0]) || (in != null && sizes[1] != in[1])) {
                throw n.fail("sizes " + Arrays.toString(sizes) + " change batch or channels; only H and W can be resized");
            }
            op = Resize.toSize(mode, coordinates, nearest, n.toInt(sizes[2], "height"), n.toInt(sizes[3], "width"));
        } else if (n.has(2) && !n.isEmptyConstant(2)) {
            float[] s = spatialScales(n, spread(n, axes, n.constantTensor(2, "scales").data()));
            op = Resize.byScale(mode, coordinates, nearest, s[0], s[1]);
        } else {
            throw n.fail("needs scales or sizes");
        }
        n.emit(op, n.input(0));
    }

    /** Upsample (deprecated since opset 10): scales as an attribute before opset 9, as an input from then on. */
    static void upsample(OnnxNode n) {
        Resize.Mode mode = mode(n, n.attributes().getString("mode", "nearest"));
        float[] scales;
        if (n.opset() < 9) {
            scales = n.attributes().getFloats("scales", null);
            if (scales == null) throw n.fail("attribute 'scales' is required");
        } else {
            scales = n.constantTensor(1, "scales").data();
        }
        n.emit(legacy(n, mode, scales), n.input(0));
    }

    private static Resize legacy(OnnxNode n, Resize.Mode mode, float[] scales) {
        float[] s = spatialScales(n, scales);
        boolean down = s[0] < 1 || s[1] < 1;
        if (down && (s[0] > 1 || s[1] > 1)) {
            throw n.fail("nearest rounding for scales " + Arrays.toString(s) + " (up along one axis, down along the other) is not supported");
        }
        return Resize.byScale(mode, CoordinateMode.ASYMMETRIC, down ? NearestMode.CEIL : NearestMode.FLOOR, s[0], s[1]);
    }

    /** The H and W scales of an [N, C, H, W] scale vector, which must keep N and C. */
    private static float[] spatialScales(OnnxNode n, float[] scales) {
        if (scales.length != 4 || scales[0] != 1f || scales[1] != 1f) {
            throw n.fail("scales " + Arrays.toString(scales) + " must be [1, 1, h, w]: only H and W of 4-D input can be resized");
        }
        if (!(scales[2] > 0 && scales[3] > 0)) throw n.fail("scales " + Arrays.toString(scales) + " must be positive");
        return new float[] {scales[2], scales[3]};
    }

    /** Opset 18's {@code axes}: values given for some axes only, the others keep their size. */
    private static long[] spread(OnnxNode n, long[] axes, long[] values, boolean sizes) {
        if (axes == null) return values;
        int[] in = n.shape(0);
        if (in == null) throw n.fail("axes need the input's static shape");
        long[] full = new long[in.length];
        for (int i = 0; i < full.length; i++) full[i] = sizes ? in[i] : 1;
        for (int i = 0; i < axes.length; i++) full[axis(n, axes[i], in.length)] = values[i];
        return full;
    }

    private static float[] spread(OnnxNode n, long[] axes, float[] values) {
        if (axes == null) return values;
        int[] in = n.shape(0);
        if (in == null) throw n.fail("axes need the input's static shape");
        float[] full = new float[in.length];
        Arrays.fill(full, 1f);
        for (int i = 0; i < axes.length; i++) full[axis(n, axes[i], in.length)] = values[i];
        return full;
    }

    private static int axis(OnnxNode n, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw n.fail("axis " + axis + " out of range for rank " + rank);
        return (int) a;
    }

    private static Resize.Mode mode(OnnxNode n, String mode) {
        switch (mode) {
            case "nearest": return Resize.Mode.NEAREST;
            case "linear": case "bilinear": return Resize.Mode.LINEAR;
            default: throw n.fail("mode '" + mode + "' is not supported (nearest, linear)");
        }
    }

    private static CoordinateMode coordinateMode(OnnxNode n, String mode) {
        switch (mode) {
            case "half_pixel": return CoordinateMode.HALF_PIXEL;
            case "pytorch_half_pixel": return CoordinateMode.PYTORCH_HALF_PIXEL;
            case "align_corners": return CoordinateMode.ALIGN_CORNERS;
            case "asymmetric": return CoordinateMode.ASYMMETRIC;
            case "tf_half_pixel_for_nn": return CoordinateMode.TF_HALF_PIXEL_FOR_NN;
            default: throw n.fail("coordinate_transformation_mode '" + mode + "' is not supported");
        }
    }

    private static NearestMode nearestMode(OnnxNode n, String mode) {
        switch (mode) {
            case "round_prefer_floor": return NearestMode.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil": return NearestMode.ROUND_PREFER_CEIL;
            case "floor": return NearestMode.FLOOR;
            case "ceil": return NearestMode.CEIL;
            default: throw n.fail("nearest_mode '" + mode + "' is not supported");
        }
    }
}
