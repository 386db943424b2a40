package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * A change-based convolution: fused change detection and commit against the committed input, dilation of the
 * detected positions through the receptive field into the batch's list of affected outputs, then the convolution
 * of the committed input at the listed positions only. When every camera of the batch computes the layer densely
 * (dense fallback, a restore), the convolution at every position instead, its output marked changed everywhere.
 *
 * <p>How the listed positions are computed: depthwise convolutions and first layers of at most 4 input channels by
 * direct kernels of ours (exact fp32 arithmetic); every other form (plain, strided, dilated, grouped, transposed)
 * as gather - GEMM - scatter: the positions' im2col rows gathered into a contiguous matrix, multiplied by cuBLASLt
 * ({@link RowGemm}), the products scattered with bias and activation. The number of rows is known only on the
 * device: in a captured frame the first chunk's GEMM is picked among row-count buckets by a switch node, further
 * chunks run in a while loop ({@link GraphCapture}); uncaptured, the host reads the count. A dense pass over a
 * contiguous batch ({@link BatchRunner.Mode#DENSE}) runs cuDNN ({@link DenseConvolution}) where its padding allows.
 */
final class ConvStep extends CudaStep {
    /** The smallest row-count bucket. */
    private static final int MIN_BUCKET = 64;

    private final CudaPlan plan;
    private final int cin;
    private final int cout;
    private final int groups;
    private final int kh;
    private final int kw;
    private final int inW;
    private final int outH;
    private final int outW;
    private final int inPlane;
    private final boolean depthwise;
    private final boolean small;
    private final float threshold;
    private final Activation activation;
    private final Window window;
    private final float[] forwardWeights;
    private final DeviceBuffer directWeights;
    private final DeviceBuffer bias;
    private final DeviceBuffer rows;
    private final DeviceBuffer cols;
    /** GEMM form: K per group padded to 16 bytes, the gather's piece size, the buckets and the library GEMM. */
    private final int groupLength;
    /** A group's outputs in the GEMM's products, padded to a multiple of 8 (16-byte aligned rows for cuBLASLt). */
    private final int groupStride;
    private final int pieceBytes;
    private final int[] buckets;
    private final DeviceBuffer bucketTable;
    private final DeviceBuffer gemmWeights;
    private final RowGemm gemm;
    private DeviceBuffer cudnnWeights;

    /** A convolution of the given geometry; {@code weight} in forward layout [Cout][Cin/g][kh][kw]. */
    private ConvStep(int index, CpuPlan.Step cpu, CudaPlan plan, float threshold, Transfers transfers, float[] weight,
                     float[] bias, int groups, int kh, int kw, AxisMap ys, AxisMap xs, Activation activation, Window window) {
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
        this.small = !depthwise && groups == 1 && cin <= 4 && (long) kh * kw * cin * cout <= KernelConstants.SMALL_CONV_WEIGHTS;
        this.threshold = threshold;
        this.activation = activation;
        this.window = window;
        this.forwardWeights = weight;
        this.bias = transfers.floats(bias != null ? bias : new float[cout]);
        this.rows = transfers.ints(ys.sources());
        this.cols = transfers.ints(xs.sources());
        int e = plan.elementBytes();
        int cgi = cin / groups;
        this.groupLength = roundUp(kh * kw * cgi, 16 / e);
        this.groupStride = roundUp(cout / groups, 8);
        this.pieceBytes = pieceBytes(cgi * e);
        if (depthwise || small) {
            this.directWeights = transfers.floats(depthwise ? weight : gemmLayout(weight, kh * kw * cin, cout));
            this.buckets = null;
            this.bucketTable = null;
            this.gemmWeights = null;
            this.gemm = null;
        } else {
            this.directWeights = null;
            this.buckets = buckets(maxChunkRows());
            this.bucketTable = transfers.ints(buckets);
            this.gemmWeights = transfers.elements(gemmLayout(weight, groupLength, groupStride));
            this.gemm = new RowGemm(plan.libraries(), plan.pool(), plan.precision(), groups, groupLength, groupStride,
                    gemmWeights.address(), referenceRows(), buckets);
        }
    }

    static ConvStep forward(int index, CpuPlan.Step cpu, Conv2d op, CudaPlan plan, float threshold, Transfers transfers) {
        int[] in = cpu.inputShapes()[0], out = cpu.outputShape();
        return new ConvStep(index, cpu, plan, threshold, transfers, op.weight().data(), op.bias(), op.groups(),
                op.window().kernelH(), op.window().kernelW(), AxisMap.window(op.window(), 0, in[2], out[2]),
                AxisMap.window(op.window(), 1, in[3], out[3]), op.activation(), op.window());
    }

    /** A transposed convolution: the same gather-GEMM over the transposed tap tables (no cuDNN form). */
    static ConvStep transposed(int index, CpuPlan.Step cpu, ConvTranspose2d op, CudaPlan plan, float threshold,
                               Transfers transfers) {
        int[] in = cpu.inputShapes()[0], out = cpu.outputShape();
        return new ConvStep(index, cpu, plan, threshold, transfers, op.forwardWeights(), op.bias(), op.groups(),
                op.kernel(0), op.kernel(1), AxisMap.transposed(op, 0, in[2], out[2]), AxisMap.transposed(op, 1, in[3], out[3]),
                op.activation(), null);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** The largest of 16, 8 and 4 bytes that divides a channel run of {@code runBytes}; else one element. */
    private static int pieceBytes(int runBytes) {
        for (int p = 16; p >= 4; p /= 2) if (runBytes % p == 0) return p;
        return 0;
    }

    /**
     * [Cout][Cin/g][kh][kw] to [g][(ky, kx, ci)][n] with each group's k padded to {@code length} and its outputs to
     * {@code stride} (zeros): the GEMM's B.
     */
    private float[] gemmLayout(float[] w, int length, int stride) {
        int cgi = cin / groups, cgo = cout / groups;
        float[] b = new float[groups * length * stride];
        for (int g = 0; g < groups; g++) {
            for (int n = 0; n < cgo; n++) {
                int co = g * cgo + n;
                for (int ci = 0; ci < cgi; ci++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int kk = (ky * kw + kx) * cgi + ci;
                            b[(g * length + kk) * stride + n] = w[((co * cgi + ci) * kh + ky) * kw + kx];
                        }
                    }
                }
            }
        }
        return b;
    }

    /** [Cout][Cin/g][kh][kw] to [Cout][kh][kw][Cin/g]: cuDNN's NHWC filter. */
    private float[] cudnnLayout(float[] w) {
        int cgi = cin / groups;
        float[] f = new float[w.length];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cgi; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) f[((co * kh + ky) * kw + kx) * cgi + ci] = w[((co * cgi + ci) * kh + ky) * kw + kx];
                }
            }
        }
        return f;
    }

    /** Bytes of one gathered row. */
    private long rowBytes() {
        return (long) groups * groupLength * plan.elementBytes();
    }

    /**
     * The most rows one chunk can hold: what the plan's gather budget allows (for the gathered rows and for their
     * fp32 products), at most every position of the largest batch.
     */
    private int maxChunkRows() {
        long byBudget = Math.max(MIN_BUCKET, plan.gatherBudget() / Math.max(rowBytes(), 4L * groups * groupStride));
        return (int) Math.min(byBudget, (long) CudaBackend.MAX_BATCH * outH * outW);
    }

    /** Row-count buckets, about sqrt(2) apart, multiples of 64, the last one {@code max}. */
    static int[] buckets(int max) {
        java.util.List<Integer> b = new java.util.ArrayList<>();
        double r = MIN_BUCKET;
        while (true) {
            int rows = roundUp((int) Math.ceil(r), MIN_BUCKET);
            if (rows >= max) break;
            if (b.isEmpty() || rows > b.get(b.size() - 1)) b.add(rows);
            r *= Math.sqrt(2);
        }
        b.add(max);
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A typical frame's row count, the one cuBLASLt is asked to choose its algorithm for: a tenth of one camera. */
    private int referenceRows() {
        int tenth = Math.max(MIN_BUCKET, outH * outW / 10);
        for (int b : buckets) if (b >= tenth) return b;
        return buckets[buckets.length - 1];
    }

    /** The rows a chunk of a batch of {@code cams} cameras holds: the smallest bucket for all of their positions. */
    int chunkRows(int cams) {
        long all = (long) cams * outH * outW;
        for (int b : buckets) if (b >= all) return b;
        return buckets[buckets.length - 1];
    }

    /** Scratch this step needs in a batch of {@code cams}: gathered rows and their products. */
    long gatheredBytes(int cams) {
        return gemm == null ? 0 : chunkRows(cams) * rowBytes();
    }

    long productBytes(int cams) {
        return gemm == null ? 0 : 4L * chunkRows(cams) * groups * groupStride;
    }

    @Override
    boolean detects() {
        return true;
    }

    @Override
    boolean usesList() {
        return true;
    }

    /**
     * {@code -Dcbinfer.cuda.cudnn=false} computes every dense convolution with our own gather + cuBLASLt path: for
     * measuring our kernels against cuDNN, and for telling a cuDNN problem from one of ours.
     */
    private static final boolean CUDNN = !"false".equals(System.getProperty("cbinfer.cuda.cudnn"));

    /** Whether a dense pass over a contiguous batch computes this layer with cuDNN. */
    private boolean cudnn() {
        if (!CUDNN) return false;
        // depthwise layers stay ours: memory-bound either way; with cuDNN on every layer posenet's fp16 dense pass
        // was 3.8e-2 from the fp32 reference, 1.4e-2 on our kernels (H200, 2026-12-04)
        return window != null && !depthwise && DenseConvolution.supports(window, cpu.inputShapes()[0], cpu.outputShape());
    }

    @Override
    void prepare(BatchRunner run) {
        if (run.mode() != BatchRunner.Mode.DENSE || !cudnn() || !run.contiguous()) return;
        if (cudnnWeights == null) cudnnWeights = plan.transfers().elements(cudnnLayout(forwardWeights));
        run.denseConvolution(index, new DenseConvolution(plan.libraries(), plan.pool(), plan.precision(), run.cams(), window,
                groups, cpu.inputShapes()[0], cpu.outputShape(), cudnnWeights.address(), run.batchValue(inSlot(0)),
                run.batchValue(outSlot()), run.launcher().stream()));
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        int cams = run.cams(), outPlane = outH * outW;
        int in = inSlot(0), out = outSlot();
        DenseConvolution dense = run.denseConvolution(index);
        if (dense != null) {
            dense.forward(run.batchValue(in), cudnnWeights.address(), run.batchValue(out), l.stream());
            long n = (long) cams * outPlane * cout;
            l.launch(Kernels.BIAS_ACTIVATE, l.blocksFor(n, 8), 1, Launcher.BLOCK, new Kernels.BiasActivate(
                    run.batchValue(out), n, cout, bias.address(), activation.kind().ordinal(), activation.alpha(),
                    activation.beta()));
            return;
        }
        if (run.mode() == BatchRunner.Mode.CHANGE_BASED && !run.denseStep(index)) {
            // wide inputs: a warp per position, so that a position's channels are read coalesced
            boolean wide = cin >= 32;
            l.launch(wide ? Kernels.DETECT_COMMIT_WIDE : Kernels.DETECT_COMMIT, Launcher.blocks(wide ? 32L * inPlane : inPlane),
                    cams, Launcher.BLOCK, new Kernels.DetectCommit(run.val(in), run.committed(index), run.mask(in),
                            run.detected(index), run.layerKeyframes(index), run.detectedCount(index), cin, inPlane,
                            threshold, plan.recursive() ? 1 : 0));
            l.launch(Kernels.DILATE_COMPACT, Launcher.blocks(outPlane), cams, Launcher.BLOCK, new Kernels.DilateCompact(
                    run.detected(index), run.mask(out), run.layerKeyframes(index), rows.address(), kh, cols.address(), kw,
                    inW, outH, outW, run.list(index), run.listCount(index), run.updated(index)));
            compute(run, run.committed(index), run.list(index), run.listCount(index), 0);
        } else {
            if (run.mode() == BatchRunner.Mode.CHANGE_BASED && run.fillsMask(index)) {
                // dense fallback of every camera: the whole output is new for the steps after this one
                l.launch(Kernels.FILL_MASK, Launcher.blocks(outPlane), cams, Launcher.BLOCK,
                        new Kernels.FillMask(run.mask(out), outPlane, run.updated(index)));
            }
            long x = run.mode() == BatchRunner.Mode.RESTORE ? run.committed(index) : run.val(in);
            compute(run, x, Launcher.NULL, Launcher.NULL, cams * outPlane);
        }
    }

    /** The convolution of input table {@code x} at the listed positions (or the first {@code fixed} of the batch). */
    private void compute(BatchRunner run, long x, long list, long count, int fixed) {
        Launcher l = run.launcher();
        int cams = run.cams(), outPlane = outH * outW;
        long entries = (long) cams * outPlane;
        int act = activation.kind().ordinal();
        if (depthwise || small) {
            Kernels.DirectConv p = new Kernels.DirectConv(x, run.val(outSlot()), directWeights.address(), bias.address(), list,
                    count, fixed, outPlane, rows.address(), cols.address(), kh, kw, inW, outW, cin, cout, act,
                    activation.alpha(), activation.beta());
            if (depthwise) {
                l.launch(Kernels.CONV_DEPTHWISE, l.blocksFor(entries * cout, 16), 1, Launcher.BLOCK, p);
            } else {
                l.launch(Kernels.CONV_SMALL, l.blocksFor(entries * ((cout + 15) / 16), 8), 1, Launcher.BLOCK, p);
            }
            return;
        }
        int chunk = chunkRows(cams);
        if (list == Launcher.NULL) {
            // every position: the host knows the rows of each chunk
            for (int c = 0; (long) c * chunk < fixed; c++) {
                int rowsHere = (int) Math.min(chunk, fixed - (long) c * chunk);
                gemmChunk(run, x, list, count, fixed, Launcher.NULL, c, chunk, bucketFor(rowsHere), 0, 0);
            }
        } else if (run.graph().capturing()) {
            // the rows are counted on the device: the first chunk's GEMM picked by a switch node, the rest in a loop
            GraphCapture graph = run.graph();
            long bucketSwitch = graph.newHandle(buckets.length);
            long moreChunks = graph.newHandle(0);
            long counter = run.chunkCounter(index);
            gather(run, x, list, count, 0, Launcher.NULL, 0, chunk, bucketSwitch);
            graph.addSwitch(bucketSwitch, bucketsUpTo(chunk), b ->
                    gemm.multiply(buckets[b], run.gathered(), run.products(), l.stream()));
            scatter(run, list, count, 0, Launcher.NULL, 0, chunk, moreChunks);
            graph.addWhile(moreChunks, () -> {
                gemmChunk(run, x, list, count, 0, counter, 1, chunk, chunk, 0, moreChunks);
                l.launch(Kernels.NEXT_CHUNK, 1, 1, 1, new Kernels.NextChunk(counter));
            });
        } else {
            int listed = run.readCount(count);
            for (int c = 0; (long) c * chunk < listed; c++) {
                int rowsHere = Math.min(chunk, listed - c * chunk);
                gemmChunk(run, x, list, count, 0, Launcher.NULL, c, chunk, bucketFor(rowsHere), 0, 0);
            }
        }
    }

    /** Buckets that fit a chunk of {@code chunk} rows (the chunk size is itself one). */
    private int bucketsUpTo(int chunk) {
        int n = 0;
        while (n < buckets.length && buckets[n] <= chunk) n++;
        return n;
    }

    private int bucketFor(int rowsHere) {
        for (int b : buckets) if (b >= rowsHere) return b;
        return buckets[buckets.length - 1];
    }

    /** Gather, GEMM of {@code gemmRows} rows, scatter: one chunk. */
    private void gemmChunk(BatchRunner run, long x, long list, long count, int fixed, long counter, int chunkBase,
                           int chunk, int gemmRows, long bucketSwitch, long moreChunks) {
        gather(run, x, list, count, fixed, counter, chunkBase, chunk, bucketSwitch);
        gemm.multiply(gemmRows, run.gathered(), run.products(), run.launcher().stream());
        scatter(run, list, count, fixed, counter, chunkBase, chunk, moreChunks);
    }

    private void gather(BatchRunner run, long x, long list, long count, int fixed, long counter, int chunkBase, int chunk,
                        long bucketSwitch) {
        Launcher l = run.launcher();
        int pieces = pieceBytes == 0 ? plan.elementBytes() : pieceBytes;
        long work = (long) chunk * groups * groupLength * plan.elementBytes() / pieces;
        l.launch(Kernels.GATHER_ROWS, l.blocksFor(work, 16), 1, Launcher.BLOCK, new Kernels.GatherRows(x, run.gathered(),
                list, count, fixed, counter, chunkBase, chunk, outH * outW, rows.address(), cols.address(), kh, kw, inW,
                outW, cin, groups, groupLength, pieceBytes, bucketTable.address(), bucketsUpTo(chunk), bucketSwitch));
    }

    private void scatter(BatchRunner run, long list, long count, int fixed, long counter, int chunkBase, int chunk,
                         long moreChunks) {
        Launcher l = run.launcher();
        l.launch(Kernels.SCATTER_ROWS, l.blocksFor((long) chunk * cout, 16), 1, Launcher.BLOCK, new Kernels.ScatterRows(
                run.products(), run.val(outSlot()), bias.address(), list, count, fixed, counter, chunkBase, chunk, outH * outW,
                cout, cout / groups, groupStride, groups * groupStride, activation.kind().ordinal(), activation.alpha(),
                activation.beta(), moreChunks));
    }

    @Override
    public void close() {
        DeviceMemoryPool pool = plan.pool();
        if (gemm != null) gemm.close();
        pool.release(directWeights);
        pool.release(gemmWeights);
        pool.release(bucketTable);
        pool.release(cudnnWeights);
        pool.release(bias);
        pool.release(rows);
        pool.release(cols);
    }
}
