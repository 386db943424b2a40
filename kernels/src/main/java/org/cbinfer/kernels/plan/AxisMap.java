package org.cbinfer.kernels.plan;

import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Window;

/**
 * Which input coordinates each output coordinate reads along one spatial axis: {@code taps} entries per
 * output coordinate, -1 where the tap falls outside the input (padding). Window ops are separable, so two
 * axis maps describe a whole receptive field. The same table drives the gather of the computation and
 * the dilation of change masks, so the two cannot disagree.
 */
public final class AxisMap {
    private final int inLength;
    private final int outLength;
    private final int taps;
    private final int[] source;
    /** Interpolation weight of each tap (linear resize); null when all taps weigh 1. */
    private final float[] weight;

    private AxisMap(int inLength, int outLength, int taps, int[] source, float[] weight) {
        this.inLength = inLength;
        this.outLength = outLength;
        this.taps = taps;
        this.source = source;
        this.weight = weight;
    }

    /** A forward window (convolution, pooling) along {@code axis} (0 = height, 1 = width). */
    public static AxisMap window(Window w, int axis, int in, int out) {
        int k = w.kernel(axis), s = w.stride(axis), d = w.dilation(axis);
        int before = w.pads(axis, in)[0];
        int[] src = new int[out * k];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < k; j++) {
                int i = o * s - before + j * d;
                src[o * k + j] = i >= 0 && i < in ? i : -1;
            }
        }
        return new AxisMap(in, out, k, src, null);
    }

    /** A transposed convolution: output o reads input i where i * stride - padBefore + j * dilation = o. */
    public static AxisMap transposed(ConvTranspose2d t, int axis, int in, int out) {
        int k = t.kernel(axis), s = t.stride(axis), d = t.dilation(axis);
        int before = t.pads(axis, in)[0];
        int[] src = new int[out * k];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < k; j++) {
                int num = o + before - j * d;
                int i = num >= 0 && num % s == 0 ? num / s : -1;
                src[o * k + j] = i < in ? i : -1;
            }
        }
        return new AxisMap(in, out, k, src, null);
    }

    /** Resize: one tap (nearest) or two weighted taps (linear). */
    public static AxisMap resize(Resize r, int axis, int in, int out) {
        boolean linear = r.mode() == Resize.Mode.LINEAR;
        int k = linear ? 2 : 1;
        int[] src = new int[out * k];
        float[] wt = linear ? new float[out * 2] : null;
        for (int o = 0; o < out; o++) {
            double x = r.sourceCoordinate(axis, o, in, out);
            if (!linear) {
                src[o] = r.nearestIndex(x, in);
                continue;
            }
            x = Math.min(Math.max(x, 0.0), in - 1);
            int i0 = (int) Math.floor(x);
            int i1 = Math.min(i0 + 1, in - 1);
            float l = (float) (x - i0);
            src[2 * o] = i0;
            src[2 * o + 1] = i1;
            wt[2 * o] = 1f - l;
            wt[2 * o + 1] = l;
        }
        return new AxisMap(in, out, k, src, wt);
    }

    /** Padding along a tensor axis: one tap, -1 in the constant region. */
    public static AxisMap pad(Pad p, int tensorAxis, int in, int out) {
        int[] src = new int[out];
        for (int o = 0; o < out; o++) src[o] = p.source(tensorAxis, o, in);
        return new AxisMap(in, out, 1, src, null);
    }

    public int inLength() {
        return inLength;
    }

    public int outLength() {
        return outLength;
    }

    public int taps() {
        return taps;
    }

    /** Input coordinate of tap {@code j} of output {@code o}, or -1. */
    public int source(int o, int j) {
        return source[o * taps + j];
    }

    public float weight(int o, int j) {
        return weight == null ? 1f : weight[o * taps + j];
    }

    /** Number of taps of output {@code o} that fall inside the input. */
    public int inside(int o) {
        int n = 0;
        for (int j = 0; j < taps; j++) if (source[o * taps + j] >= 0) n++;
        return n;
    }

    /**
     * What average pooling along this axis divides each output by: the taps inside the input, or, with
     * {@code countIncludePad}, the taps inside the input and its padding.
     */
    public int[] poolDivisors(org.cbinfer.kernels.graph.ops.Pool op, int axis) {
        int[] d = new int[outLength];
        int[] pads = op.window().pads(axis, inLength);
        int k = op.window().kernel(axis), s = op.window().stride(axis), dil = op.window().dilation(axis);
        for (int o = 0; o < outLength; o++) {
            if (!op.countIncludePad()) {
                d[o] = inside(o);
                continue;
            }
            int n = 0;
            for (int j = 0; j < k; j++) {
                int i = o * s - pads[0] + j * dil;
                if (i >= -pads[0] && i < inLength + pads[1]) n++;
            }
            d[o] = n;
        }
        return d;
    }

    /** The source table, output-major ({@code taps} entries per output coordinate, -1 outside the input). */
    public int[] sources() {
        return source.clone();
    }

    /** The weights of the taps, in the order of {@link #sources()} (all 1 unless the map interpolates). */
    public float[] weights() {
        if (weight != null) return weight.clone();
        float[] ones = new float[source.length];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /**
     * Marks every output position whose receptive field (ys x xs) contains a marked input position.
     * Separable: first along x for every input row, then along y. Returns the number of marked outputs.
     */
    public static int dilate(byte[] in, AxisMap ys, AxisMap xs, byte[] out) {
        int w = xs.inLength, ho = ys.outLength, wo = xs.outLength, h = ys.inLength;
        byte[] rows = new byte[h * wo];
        boolean[] rowHasChange = new boolean[h];
        for (int iy = 0; iy < h; iy++) {
            int base = iy * w;
            boolean any = false;
            for (int x = 0; x < w && !any; x++) any = in[base + x] != 0;
            if (!any) continue;
            rowHasChange[iy] = true;
            for (int ox = 0; ox < wo; ox++) {
                byte m = 0;
                for (int j = 0; j < xs.taps && m == 0; j++) {
                    int ix = xs.source[ox * xs.taps + j];
                    if (ix >= 0) m = in[base + ix];
                }
                rows[iy * wo + ox] = m;
            }
        }
        int count = 0;
        for (int oy = 0; oy < ho; oy++) {
            int obase = oy * wo;
            java.util.Arrays.fill(out, obase, obase + wo, (byte) 0);
            for (int j = 0; j < ys.taps; j++) {
                int iy = ys.source[oy * ys.taps + j];
                if (iy < 0 || !rowHasChange[iy]) continue;
                int rbase = iy * wo;
                for (int ox = 0; ox < wo; ox++) out[obase + ox] |= rows[rbase + ox];
            }
            for (int ox = 0; ox < wo; ox++) count += out[obase + ox];
        }
        return count;
    }
}
