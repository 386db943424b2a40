package org.cbinfer.kernels.tensor;

/** Conversions between interleaved 8-bit RGB images, NHWC files and the engine's NCHW tensors. */
public final class ImageTensors {
    /** How 8-bit pixel values map to network input values. */
    public enum Scale {
        /** x / 127.5 - 1, in [-1, 1] (PoseNet). */
        PM1,
        /** x / 255, in [0, 1] (MediaPipe segmenters). */
        UNIT,
        /** x as is, in [0, 255]. */
        RAW;

        public float apply(int v) {
            switch (this) {
                case PM1: return v / 127.5f - 1f;
                case UNIT: return v / 255f;
                default: return v;
            }
        }

        public static Scale parse(String s) {
            return valueOf(s.trim().toUpperCase());
        }
    }

    private ImageTensors() {}

    /** Interleaved RGB24 (row-major, 3 bytes a pixel) to a [1, 3, h, w] tensor. */
    public static Tensor fromRgb(byte[] rgb, int offset, int width, int height, Scale scale) {
        float[] lut = new RgbInput(rgb, offset, width, height, scale).lookupTable();
        int hw = width * height;
        float[] out = new float[3 * hw];
        for (int p = 0, i = offset; p < hw; p++, i += 3) {
            out[p] = lut[rgb[i] & 0xff];
            out[hw + p] = lut[rgb[i + 1] & 0xff];
            out[2 * hw + p] = lut[rgb[i + 2] & 0xff];
        }
        return Tensor.of(new int[] {1, 3, height, width}, out);
    }

    /** NCHW (rank 4) to the same values in NHWC order; other ranks are returned as they are. */
    public static float[] toNhwc(Tensor t) {
        if (t.rank() != 4) return t.data();
        int n = t.dim(0), c = t.dim(1), h = t.dim(2), w = t.dim(3);
        float[] src = t.data();
        float[] dst = new float[src.length];
        int hw = h * w;
        for (int b = 0; b < n; b++) {
            int base = b * c * hw;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) dst[base + p * c + ch] = src[base + ch * hw + p];
            }
        }
        return dst;
    }

    /** NHWC values of shape [n, h, w, c] to an NCHW tensor [n, c, h, w]. */
    public static Tensor fromNhwc(float[] src, int n, int h, int w, int c) {
        float[] dst = new float[src.length];
        int hw = h * w;
        for (int b = 0; b < n; b++) {
            int base = b * c * hw;
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) dst[base + ch * hw + p] = src[base + p * c + ch];
            }
        }
        return Tensor.of(new int[] {n, c, h, w}, dst);
    }
}
