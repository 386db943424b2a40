package org.cbinfer.kernels.graph.ops;

/**
 * Spatial resize of [1, C, H, W] by nearest or bilinear interpolation, with ONNX's coordinate
 * transformation modes (TensorFlow's align_corners / half_pixel_centers map onto them).
 * Either the output size ({@code outH, outW} > 0) or the scales are given; a given scale is used
 * in the coordinate transform as ONNX specifies.
 */
public record Resize(Mode mode, CoordinateMode coordinates, NearestMode nearest,
                     float scaleH, float scaleW, int outH, int outW) implements Op {
    public enum Mode { NEAREST, LINEAR }

    public enum CoordinateMode { HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN }

    public enum NearestMode { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL }

    public Resize {
        Op.require(mode != null && coordinates != null && nearest != null, "resize modes are required");
        Op.require((outH > 0 && outW > 0) || (scaleH > 0 && scaleW > 0),
                "resize needs a positive output size or positive scales");
    }

    public static Resize toSize(Mode mode, CoordinateMode c, NearestMode n, int h, int w) {
        return new Resize(mode, c, n, 0, 0, h, w);
    }

    public static Resize byScale(Mode mode, CoordinateMode c, NearestMode n, float sh, float sw) {
        return new Resize(mode, c, n, sh, sw, 0, 0);
    }

    public int outputLength(int axis, int in) {
        int fixed = axis == 0 ? outH : outW;
        if (fixed > 0) {
            return fixed;
        }
        float s = axis == 0 ? scaleH : scaleW;
        long out = (long) Math.floor(in * (double) s);
        Op.require(out > 0 && out <= 1 << 20, "resize of " + in + " by " + s + " gives " + out);
        return (int) out;
    }

    /** The scale the coordinate transform uses along an axis. */
    public double scale(int axis, int in, int out) {
        float s = axis == 0 ? scaleH : scaleW;
        int fixed = axis == 0 ? outH : outW;
        return fixed > 0 || s <= 0 ? (double) out / in : s;
    }

    /** Input coordinate (unclamped) that output coordinate {@code o} maps to. */
    public double sourceCoordinate(int axis, int o, int in, int out) {
        double s = scale(axis, in, out);
        switch (coordinates) {
            case HALF_PIXEL: return (o + 0.5) / s - 0.5;
            case PYTORCH_HALF_PIXEL: return out > 1 ? (o + 0.5) / s - 0.5 : 0.0;
            case ALIGN_CORNERS: {
                // ONNX divides by the unrounded resized length, in * scale, when a scale is given
                double resized = (axis == 0 ? outH : outW) > 0 ? out : in * s;
                return resized == 1 ? 0.0 : o * (double) (in - 1) / (resized - 1);
            }
            case ASYMMETRIC: return o / s;
            case TF_HALF_PIXEL_FOR_NN: return (o + 0.5) / s;
            default: throw new AssertionError(coordinates);
        }
    }

    /** Nearest input index for a source coordinate, clamped to the input. */
    public int nearestIndex(double x, int in) {
        int i;
        switch (nearest) {
            case ROUND_PREFER_FLOOR: i = (x - Math.floor(x) == 0.5) ? (int) Math.floor(x) : (int) Math.round(x); break;
            case ROUND_PREFER_CEIL: i = (int) Math.round(x); break;
            case FLOOR: i = (int) Math.floor(x); break;
            case CEIL: i = (int) Math.ceil(x); break;
            default: throw new AssertionError(nearest);
        }
        return Math.min(Math.max(i, 0), in - 1);
    }

    @Override
    public String type() {
        return "Resize";
    }

    @Override
    public int[] outputShape(int[][] in) {
        Op.requireImage(in[0], "resize");
        return new int[] {1, in[0][1], outputLength(0, in[0][2]), outputLength(1, in[0][3])};
    }

    @Override
    public String describe() {
        return mode + " " + coordinates + (mode == Mode.NEAREST ? " " + nearest : "");
    }
}
