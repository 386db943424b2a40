package org.cbinfer.kernels.cpu;

import java.util.stream.IntStream;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * Convolution (plain, strided, dilated, grouped, depthwise, transposed) at a list of output positions:
 * gather the receptive fields of a tile of positions (im2col restricted to those positions), multiply
 * with the weights, add bias, apply the fused activation, scatter into the output. Tiles run in parallel
 * on all cores. Depthwise convolutions (one input channel per group) skip the matrix product.
 */
final class ConvKernel extends Kernel {
    private static final int TILE = 64;

    private final int cin;
    private final int inPlane;
    private final int inW;
    private final int cout;
    private final int outPlane;
    private final int outW;
    private final int groups;
    private final int cinG;
    private final int coutG;
    private final int kh;
    private final int kw;
    private final AxisMap ys;
    private final AxisMap xs;
    /** [Cout][Cin/groups * kh * kw], reduction order (ci, ky, kx). */
    private final float[] weights;
    private final float[] bias;
    private final Activation activation;

    private ConvKernel(int[] in, int[] out, int groups, int kh, int kw, AxisMap ys, AxisMap xs,
                       float[] weights, float[] bias, Activation activation) {
        this.cin = in[1];
        this.inW = in[3];
        this.inPlane = in[2] * in[3];
        this.cout = out[1];
        this.outW = out[3];
        this.outPlane = out[2] * out[3];
        this.groups = groups;
        this.cinG = cin / groups;
        this.coutG = cout / groups;
        this.kh = kh;
        this.kw = kw;
        this.ys = ys;
        this.xs = xs;
        this.weights = weights;
        this.bias = bias == null ? new float[cout] : bias;
        this.activation = activation;
    }

    static ConvKernel forward(Conv2d op, int[] in, int[] out) {
        return new ConvKernel(in, out, op.groups(), op.window().kernelH(), op.window().kernelW(),
                AxisMap.window(op.window(), 0, in[2], out[2]), AxisMap.window(op.window(), 1, in[3], out[3]),
                op.weight().data(), op.bias(), op.activation());
    }

    /** The same gather-multiply with the weights in forward layout (see {@link ConvTranspose2d#forwardWeights()}). */
    static ConvKernel transposed(ConvTranspose2d op, int[] in, int[] out) {
        int g = op.groups(), kh = op.kernel(0), kw = op.kernel(1);
        float[] w = op.forwardWeights();
        return new ConvKernel(in, out, g, kh, kw, AxisMap.transposed(op, 0, in[2], out[2]),
                AxisMap.transposed(op, 1, in[3], out[3]), w, op.bias(), op.activation());
    }

    @Override
    public Rule rule() {
        return Rule.DETECT;
    }

    @Override
    public int dilate(byte[] inMask, byte[] outMask) {
        return AxisMap.dilate(inMask, ys, xs, outMask);
    }

    @Override
    public long macsPerPosition() {
        return (long) cout * cinG * kh * kw;
    }

    @Override
    public void compute(float[][] inputs, float[] out, int[] pos, int count) {
        float[] in = inputs[0];
        int n = pos == null ? outPlane : count;
        int tiles = (n + TILE - 1) / TILE;
        IntStream tileStream = IntStream.range(0, tiles);
        if ((long) n * macsPerPosition() > 200_000) tileStream = tileStream.parallel();
        tileStream.forEach(t -> computeTile(in, out, pos, t * TILE, Math.min(n, (t + 1) * TILE)));
    }

    private void computeTile(float[] in, float[] out, int[] pos, int from, int to) {
        int nt = to - from;
        int taps = kh * kw;
        Scratch s = Scratch.get();
        int[] offsets = s.ints(taps * nt);
        int[] at = s.ints2(nt);
        for (int t = 0; t < nt; t++) {
            int p = pos == null ? from + t : pos[from + t];
            at[t] = p;
            int oy = p / outW, ox = p - oy * outW;
            for (int ky = 0; ky < kh; ky++) {
                int iy = ys.source(oy, ky);
                for (int kx = 0; kx < kw; kx++) {
                    int ix = xs.source(ox, kx);
                    offsets[(ky * kw + kx) * nt + t] = iy < 0 || ix < 0 ? -1 : iy * inW + ix;
                }
            }
        }
        if (cinG == 1) {
            depthwiseTile(in, out, offsets, at, nt);
            return;
        }
        int kg = cinG * taps;
        float[] col = s.floats(kg * nt);
        float[] res = s.floats2(coutG * nt);
        for (int g = 0; g < groups; g++) {
            for (int ci = 0; ci < cinG; ci++) {
                int base = (g * cinG + ci) * inPlane;
                for (int tap = 0; tap < taps; tap++) {
                    int row = (ci * taps + tap) * nt, orow = tap * nt;
                    for (int t = 0; t < nt; t++) {
                        int o = offsets[orow + t];
                        col[row + t] = o < 0 ? 0f : in[base + o];
                    }
                }
            }
            Gemm.multiply(weights, g * coutG * kg, coutG, kg, col, nt, res);
            for (int j = 0; j < coutG; j++) {
                int co = g * coutG + j;
                float b = bias[co];
                int obase = co * outPlane, rrow = j * nt;
                for (int t = 0; t < nt; t++) out[obase + at[t]] = activation.apply(res[rrow + t] + b);
            }
        }
    }

    private void depthwiseTile(float[] in, float[] out, int[] offsets, int[] at, int nt) {
        int taps = kh * kw;
        for (int co = 0; co < cout; co++) {
            int base = (co / coutG) * inPlane, wbase = co * taps, obase = co * outPlane;
            float b = bias[co];
            for (int t = 0; t < nt; t++) {
                float acc = 0f;
                for (int tap = 0; tap < taps; tap++) {
                    int o = offsets[tap * nt + t];
                    if (o >= 0) acc += in[base + o] * weights[wbase + tap];
                }
                out[obase + at[t]] = activation.apply(acc + b);
            }
        }
    }

    /** Per-thread buffers for tiles, grown on demand, so a frame allocates nothing per tile. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        private float[] f1 = new float[0];
        private float[] f2 = new float[0];
        private int[] i1 = new int[0];
        private int[] i2 = new int[0];

        static Scratch get() {
            return LOCAL.get();
        }

        float[] floats(int n) {
            if (f1.length < n) f1 = new float[n];
            return f1;
        }

        float[] floats2(int n) {
            if (f2.length < n) f2 = new float[n];
            return f2;
        }

        int[] ints(int n) {
            if (i1.length < n) i1 = new int[n];
            return i1;
        }

        int[] ints2(int n) {
            if (i2.length < n) i2 = new int[n];
            return i2;
        }
    }
}
