package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * A change-based convolution: fused change detection and commit against the committed input, dilation of the
 * detected positions through the receptive field into the batch's list of affected outputs, then the
 * convolution of the committed input at the listed positions only (gather-GEMM-scatter, bias and activation
 * fused). When every camera of the batch computes the layer densely (dense fallback), the convolution of the
 * current inputs at every position instead, its output marked changed everywhere. Depthwise convolutions and first layers of at most 4 input channels use direct kernels (exact fp32
 * arithmetic in every precision); every other form (plain, strided, dilated, grouped,
 * transposed) a tiled GEMM of the plan's precision: in TF32 and fp16, when a group's channels come in whole
 * 16-byte pieces, the pipelined one (asynchronous copies into a three-stage shared-memory ring, 64- or
 * 128-row tiles); otherwise, and in exact fp32, the general one (64 x 64 tiles, element-wise gather).
 */
final class ConvStep extends CudaStep {
    private final CudaPlan plan;
    private final int cin;
    private final int cout;
    private final int groups;
    private final int kh;
    private final int kw;
    private final int inW;
    private final int inPlane;
    private final int outH;
    private final int outW;
    private final boolean depthwise;
    private final float threshold;
    private final Activation activation;
    private final DeviceBuffer weights;
    private final DeviceBuffer bias;
    private final DeviceBuffer rows;
    private final DeviceBuffer cols;

    /** A convolution of the given geometry; {@code weight} in forward layout [Cout][Cin/g][kh][kw]. */
    private ConvStep(int index, CpuPlan.Step cpu, CudaPlan plan, float threshold, Transfers transfers, float[] weight,
                     float[] bias, int groups, int kh, int kw, AxisMap ys, AxisMap xs, Activation activation) {
        super(index, cpu);
        this.plan = plan;
        int[] in = cpu.inputShapes()[0];
        int[] out = cpu.outputShape();
        this.cin = in[1];
        this.cout = out[1];
        this.groups = groups;
        this.kh = kh;
        this.kw = kw;
        this.inW = in[3];
        this.inPlane = in[2] * in[3];
        this.outH = out[2];
        this.outW = out[3];
        this.depthwise = groups > 1 && groups == cin;
        this.threshold = threshold;
        this.activation = activation;
        this.weights = depthwise ? transfers.floats(weight) : transfers.elements(gemmLayout(weight));
        this.bias = transfers.floats(bias != null ? bias : new float[cout]);
        this.rows = transfers.ints(ys.sources());
        this.cols = transfers.ints(xs.sources());
    }

    static ConvStep forward(int index, CpuPlan.Step cpu, Conv2d op, CudaPlan plan, float threshold, Transfers transfers) {
        int[] in = cpu.inputShapes()[0], out = cpu.outputShape();
        return new ConvStep(index, cpu, plan, threshold, transfers, op.weight().data(), op.bias(), op.groups(),
                op.window().kernelH(), op.window().kernelW(), AxisMap.window(op.window(), 0, in[2], out[2]),
                AxisMap.window(op.window(), 1, in[3], out[3]), op.activation());
    }

    /** A transposed convolution: the same gather-GEMM over the transposed tap tables. */
    static ConvStep transposed(int index, CpuPlan.Step cpu, ConvTranspose2d op, CudaPlan plan, float threshold,
                               Transfers transfers) {
        int[] in = cpu.inputShapes()[0], out = cpu.outputShape();
        return new ConvStep(index, cpu, plan, threshold, transfers, op.forwardWeights(), op.bias(), op.groups(),
                op.kernel(0), op.kernel(1), AxisMap.transposed(op, 0, in[2], out[2]), AxisMap.transposed(op, 1, in[3], out[3]),
                op.activation());
    }

    /** [Cout][Cin/g][kh][kw] to [g][(ky, kx, ci)][Cout/g]: the GEMM's B matrix per group, k in gather order. */
    private float[] gemmLayout(float[] w) {
        int cgi = cin / groups, cgo = cout / groups, k = kh * kw * cgi;
        float[] b = new float[w.length];
        for (int g = 0; g < groups; g++) {
            for (int n = 0; n < cgo; n++) {
                int co = g * cgo + n;
                for (int ci = 0; ci < cgi; ci++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int kk = (ky * kw + kx) * cgi + ci;
                            b[(g * k + kk) * cgo + n] = w[((co * cgi + ci) * kh + ky) * kw + kx];
                        }
                    }
                }
            }
        }
        return b;
    }

    @Override
    boolean detects() {
        return true;
    }

    @Override
    boolean usesList() {
        return true;
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        int cams = run.cams(), outPlane = outH * outW;
        int in = inSlot(0), out = outSlot();
        long x, list, count;
        int fixed;
        if (run.mode() == BatchRunner.Mode.CHANGE_BASED && !run.denseStep(index)) {
            // wide inputs: a warp per position, so that a position's channels are read coalesced
            boolean wide = cin >= 32;
            l.launch((wide ? "detect_commit_wide" : "detect_commit") + plan.suffix(),
                    BatchRunner.blocks(wide ? 32L * inPlane : inPlane), cams, Launcher.BLOCK, run.val(in),
                    run.committed(index), run.mask(in), run.detected(index), run.layerKeyframes(index),
                    run.detectedCount(index), cin, inPlane, threshold, plan.recursive() ? 1 : 0);
            l.launch("dilate_compact_u8", BatchRunner.blocks(outPlane), cams, Launcher.BLOCK, run.detected(index),
                    run.mask(out), run.layerKeyframes(index), rows.address(), kh, cols.address(), kw, inW, outH, outW,
                    run.list(index), run.listCount(index), run.updated(index));
            x = run.committed(index);
            list = run.list(index);
            count = run.listCount(index);
            fixed = 0;
        } else {
            if (run.mode() == BatchRunner.Mode.CHANGE_BASED && run.fillsMask(index)) {
                // dense fallback of every camera: the whole output is new for the steps after this one
                l.launch("fill_mask_u8", BatchRunner.blocks(outPlane), cams, Launcher.BLOCK, run.mask(out), outPlane,
                        run.updated(index));
            }
            x = run.mode() == BatchRunner.Mode.RESTORE ? run.committed(index) : run.val(in);
            list = Launcher.NULL;
            count = Launcher.NULL;
            fixed = cams * outPlane;
        }
        long entries = (long) cams * outPlane;
        int act = activation.kind().ordinal();
        if (depthwise) {
            l.launch("conv_depthwise" + plan.suffix(), l.blocksFor(entries * cout, 16), 1, Launcher.BLOCK, x, run.val(out),
                    weights.address(), bias.address(), list, count, fixed, outPlane, rows.address(), cols.address(), kh, kw,
                    inW, outW, cin, cout, act, activation.alpha(), activation.beta());
        } else if (fewInputChannels()) {
            l.launch("conv_small" + plan.suffix(), l.blocksFor(entries * ((cout + 15) / 16), 8), 1, Launcher.BLOCK, x,
                    run.val(out), weights.address(), bias.address(), list, count, fixed, outPlane, rows.address(),
                    cols.address(), kh, kw, inW, outW, cin, cout, act, activation.alpha(), activation.beta());
        } else if (pipelined()) {
            int sms = l.device().multiprocessors(), cgo = cout / groups;
            // 64-wide tiles for narrow layers, and for small ones whose 128-wide tiles would leave SMs idle
            int tileN = cgo <= 64 || (entries + 63) / 64 * ((cgo + 127) / 128) * groups < sms ? 64 : 128;
            int gridX = (cgo + tileN - 1) / tileN * groups;
            // 128-row tiles where they fill the GPU twice over; 64-row tiles for small layers and for position
            // lists, whose length (a fraction of the plane, known only on the device) is usually small
            int tileM = list == Launcher.NULL && (entries + 127) / 128 * gridX >= 2L * sms ? 128 : 64;
            int gridY = (int) Math.max(1, Math.min((entries + tileM - 1) / tileM, 2L * sms / gridX));
            l.launchShared("conv_gemm_pipe_" + plan.precision().label() + "_m" + tileM + "_n" + tileN, gridX, gridY, 256,
                    pipeSharedBytes(plan.elementBytes(), tileM, tileN), x, run.val(out), weights.address(), bias.address(),
                    list, count, fixed, outPlane, rows.address(), cols.address(), kh, kw, inW, outW, cin, cout, groups,
                    act, activation.alpha(), activation.beta());
        } else {
            int tilesN = (cout / groups + 63) / 64;
            int gridX = tilesN * groups;
            int gridY = (int) Math.max(1, Math.min((entries + 63) / 64, 8L * l.device().multiprocessors() / gridX));
            l.launch("conv_gemm_" + plan.precision().label(), gridX, gridY, 128, x, run.val(out), weights.address(), bias.address(), list, count,
                    fixed, outPlane, rows.address(), cols.address(), kh, kw, inW, outW, cin, cout, groups, act,
                    activation.alpha(), activation.beta());
        }
    }

    /**
     * Whether the direct kernel for an image's first layer applies: at most 4 input channels (RGB, RGBA), no
     * groups, and the weights within its shared-memory stage (SMALL_K_COUT in cbinfer.cu).
     */
    private boolean fewInputChannels() {
        return groups == 1 && cin <= 4 && (long) kh * kw * cin * cout <= 8192;
    }

    /**
     * Whether the pipelined tensor-core GEMM applies: TF32 or fp16, and a group's channels in whole 16-byte
     * pieces (so that a piece of an im2col row is one tap's run of channels).
     */
    private boolean pipelined() {
        int vec = 16 / plan.elementBytes();
        return plan.precision() != Precision.FP32 && (cin / groups) % vec == 0
                && (cout / groups) % vec == 0;
    }

    /**
     * Mirrors pipe_smem_bytes in cbinfer.cu: 3 stages of an A tile (m x 32, rows padded by 16 bytes) and a B tile
     * (32 x n, rows padded by 8 elements).
     */
    static int pipeSharedBytes(int elementBytes, int tileM, int tileN) {
        return 3 * (tileM * (32 + 16 / elementBytes) + 32 * (tileN + 8)) * elementBytes;
    }

    @Override
    public void close() {
        DeviceMemoryPool pool = plan.pool();
        pool.release(weights);
        pool.release(bias);
        pool.release(rows);
        pool.release(cols);
    }
}
