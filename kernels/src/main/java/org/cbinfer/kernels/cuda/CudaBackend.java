package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.CU_STREAM_NON_BLOCKING;
import static org.bytedeco.cuda.global.cudart.cuStreamCreate;
import static org.bytedeco.cuda.global.cudart.cuStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cuStreamSynchronize;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.DenseResult;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.FrameStats;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.cb.LayerStats;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.cpu.PlanCache;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.post.LabelOutputs;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The change-based engine on one CUDA GPU (docs/algorithm.md, as {@link ChangeBasedEngine} computes it on the CPU):
 * cameras' state lives in device memory, a micro-batch of cameras runs as one launch sequence per frame (one
 * list of affected positions per layer for all of them), replayed as a CUDA graph. NVIDIA's libraries do the dense
 * arithmetic (cuBLASLt the GEMM of the changed positions' rows, cuDNN the dense passes); the project's kernels do
 * what no library does (change detection, dilation, compaction, gather and scatter). Several backends may share a
 * GPU: each has its own CUDA stream, library handles and memory pool in the device's one context. Outputs asked as
 * labels are turned into label maps on the device, in the frame's graph, and only those go down.
 *
 * <p>Open with {@code Backend.builder().kind(CUDA)}. Not thread-safe: one thread drives a backend.
 */
public final class CudaBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(CudaBackend.class.getName());
    /** Most cameras in one launch (a list entry keeps the camera in 8 bits). */
    public static final int MAX_BATCH = 128;
    private static final int MAX_RUNNERS = 24;

    private final Graph graph;
    private final Thresholds thresholds;
    private final boolean recursive;
    private final DenseFallback fallback;
    private final Precision precision;
    private final long gatherBudget;
    private final LabelOutputs labelOutputs;
    private final CudaDevice device;
    private final CUstream_st stream = new CUstream_st();
    private final Launcher launcher;
    private final GraphCapture graphCapture;
    private final Libraries libraries;
    private final DeviceMemoryPool pool = new DeviceMemoryPool(stream);
    private final Transfers transfers;
    private final PlanCache cpuPlans;
    private final Map<CpuPlan, CudaPlan> plans = new HashMap<>();
    private final Map<DenseKey, DenseBatch> denseBatches = new HashMap<>();
    private final LinkedHashMap<RunnerKey, BatchRunner> runners = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;
    private long lastDenseDeviceNanos;

    private record RunnerKey(CudaPlan plan, int cams, BatchRunner.Mode mode, boolean images) {}

    private record DenseKey(CudaPlan plan, int cams) {}

    /** Frames of one plan that run together: with images, also of one pixel scale (one lookup table a batch). */
    private record Group(CudaPlan plan, ImageTensors.Scale scale) {}

    private CudaBackend(Graph graph, Thresholds thresholds, boolean recursive, DenseFallback fallback, int deviceIndex,
                        Precision precision, long gatherBudget, LabelOutputs labelOutputs) {
        this.graph = GraphOptimizer.optimize(graph);
        ChangeBasedEngine.checkLayerNames(this.graph, thresholds);
        ChangeBasedEngine.checkLayerNames(this.graph, fallback.layers().keySet(), "break-even fractions");
        this.thresholds = thresholds;
        this.recursive = recursive;
        this.fallback = fallback;
        this.precision = precision;
        this.gatherBudget = gatherBudget;
        this.labelOutputs = labelOutputs;
        this.device = CudaDevice.get(deviceIndex);
        check(cuStreamCreate(stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.launcher = new Launcher(device, stream, precision);
        this.graphCapture = new GraphCapture(launcher);
        this.libraries = new Libraries();
        this.transfers = new Transfers(launcher, pool, precision);
        this.cpuPlans = new PlanCache(this.graph);
    }

    /**
     * Opens a backend on a GPU.
     *
     * @param gatherBudget device memory (bytes) for a batch's gathered GEMM rows at once
     * @param labelOutputs the outputs returned as label maps
     * @throws CudaException when CUDA, NVIDIA's libraries, the GPU or the kernels are unavailable (the message says
     *     which)
     */
    public static CudaBackend open(Graph graph, Thresholds thresholds, boolean recursive, DenseFallback fallback,
                                   int deviceIndex, Precision precision, long gatherBudget, LabelOutputs labelOutputs) {
        return new CudaBackend(graph, thresholds, recursive, fallback, deviceIndex, precision, gatherBudget, labelOutputs);
    }

    @Override
    public String name() {
        return "cuda:" + device.index() + (precision == Precision.FP32 ? "" : "/" + precision.label());
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Thresholds thresholds() {
        return thresholds;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public DenseFallback fallback() {
        return fallback;
    }

    @Override
    public LabelOutputs labelOutputs() {
        return labelOutputs;
    }

    /** True when frames at these input shapes run as one CUDA graph (no op falls back to the host). */
    public boolean capturable(Map<String, int[]> inputShapes) {
        return onDevice(() -> plan(cpuPlans.plan(inputShapes)).capturable());
    }

    @Override
    public BackendStream newStream() {
        requireOpen();
        return new CudaStream(this);
    }

    @Override
    public BackendStream restore(StateSnapshot snapshot) {
        return onDevice(() -> {
            CudaPlan p = plan(cpuPlans.plan(snapshot.inputShapes()));
            CudaStream s = new CudaStream(this);
            s.bind(p);
            int[] ins = p.inputSlots();
            if (snapshot.lastInputs().size() != ins.length) {
                throw new IllegalArgumentException("snapshot has " + snapshot.lastInputs().size() + " inputs, the model "
                        + ins.length);
            }
            for (int i = 0; i < ins.length; i++) transfers.upload(snapshot.lastInputs().get(i), s.value(ins[i]), p.slots()[ins[i]]);
            int c = 0;
            for (CudaStep step : p.steps()) {
                if (!step.detects()) continue;
                if (c >= snapshot.committed().size()) throw new IllegalArgumentException("snapshot has too few committed inputs");
                s.layerMode(step.index, snapshot.layerMode(c));
                SlotLayout layout = p.slots()[step.inSlot(0)];
                float[] values = snapshot.committed().get(c++);
                if (values.length != layout.size()) {
                    throw new IllegalArgumentException("snapshot committed input of " + step.cpu.node().name() + " has "
                            + values.length + " values, expected " + layout.size());
                }
                transfers.upload(values, s.committed(step.index), layout);
            }
            if (c != snapshot.committed().size()) throw new IllegalArgumentException("snapshot has too many committed inputs");
            runner(p, 1, BatchRunner.Mode.RESTORE, false).run(List.of(s), null, new boolean[] {false});
            s.restored(snapshot.frames());
            return s;
        });
    }

    @Override
    public List<FrameResult> process(List<BackendStream> streams, List<Map<String, Tensor>> inputs) {
        if (streams.size() != inputs.size()) {
            throw new IllegalArgumentException(streams.size() + " streams but " + inputs.size() + " frames");
        }
        return onDevice(() -> changeBased(streams, Frames.of(graph, inputs)));
    }

    @Override
    public List<FrameResult> processImages(List<BackendStream> streams, List<RgbInput> images) {
        if (streams.size() != images.size()) {
            throw new IllegalArgumentException(streams.size() + " streams but " + images.size() + " frames");
        }
        return onDevice(() -> changeBased(streams, Frames.ofImages(imageInput(), images)));
    }

    private List<FrameResult> changeBased(List<BackendStream> streams, Frames frames) {
        Map<BackendStream, Boolean> seen = new IdentityHashMap<>();
        List<CudaStream> own = new ArrayList<>(streams.size());
        Map<Group, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < streams.size(); i++) {
            if (!(streams.get(i) instanceof CudaStream s) || s.backend() != this) {
                throw new IllegalArgumentException("stream " + i + " does not belong to this backend");
            }
            if (seen.put(s, Boolean.TRUE) != null) throw new IllegalArgumentException("a stream appears twice in one batch");
            s.requireOpen();
            CudaPlan p = plan(cpuPlans.plan(frames.shapes(i)));
            if (s.plan() != p) s.bind(p);
            own.add(s);
            groups.computeIfAbsent(new Group(p, frames.scale(i)), k -> new ArrayList<>()).add(i);
        }
        FrameResult[] results = new FrameResult[streams.size()];
        for (Map.Entry<Group, List<Integer>> group : groups.entrySet()) {
            List<Integer> all = group.getValue();
            for (int from = 0; from < all.size(); from += MAX_BATCH) {
                runChangeBased(group.getKey().plan(), all.subList(from, Math.min(all.size(), from + MAX_BATCH)), own,
                        frames, results);
            }
        }
        return List.of(results);
    }

    private void runChangeBased(CudaPlan p, List<Integer> indexes, List<CudaStream> own, Frames frames,
                                FrameResult[] results) {
        long start = System.nanoTime();
        int n = indexes.size();
        List<CudaStream> batch = new ArrayList<>(n);
        boolean[] keyframes = new boolean[n];
        for (int k = 0; k < n; k++) {
            CudaStream s = own.get(indexes.get(k));
            batch.add(s);
            keyframes[k] = s.keyframePending();
        }
        BatchRunner runner = runner(p, n, BatchRunner.Mode.CHANGE_BASED, frames.images());
        BatchRunner.CameraResult[] out = runner.run(batch, frames.batch(indexes), keyframes);
        try {
            rejectNonFinite(out, indexes, frames);
        } catch (ModelException e) {
            batch.forEach(CudaStream::requestKeyframe);  // a NaN may have reached any state the batch shares a launch with
            throw e;
        }
        long nanos = System.nanoTime() - start;
        for (int k = 0; k < n; k++) {
            CudaStream s = batch.get(k);
            results[indexes.get(k)] = new FrameResult(out[k].outputs(), out[k].labels(),
                    frameDone(p, s, keyframes[k], out[k], nanos, runner.deviceNanos()));
        }
    }

    /** The frame's statistics; moves the stream on, its layers to the modes {@link DenseFallback} picks from them. */
    private FrameStats frameDone(CudaPlan p, CudaStream s, boolean keyframe, BatchRunner.CameraResult r, long nanos,
                                 long deviceNanos) {
        List<LayerStats> layers = new ArrayList<>(p.steps().size());
        for (CudaStep step : p.steps()) {
            int outPlane = p.slots()[step.outSlot()].plane();
            LayerMode mode = !step.detects() ? LayerMode.CHANGE_BASED : keyframe ? LayerMode.REKEY : s.layerMode(step.index);
            double updated = keyframe || mode.whole() ? 1.0 : r.updated()[step.index] / (double) outPlane;
            double changed = updated;
            if (step.detects()) {
                int inPlane = p.slots()[step.inSlot(0)].plane();
                changed = keyframe || mode.whole() ? 1.0 : r.detected()[step.index] / (double) inPlane;
                s.layerMode(step.index, fallback.next(mode, updated, step.cpu.node().name(), s.frames() + 1));
                s.outputMaskWhole(step.index, keyframe || mode.whole());
            }
            long dense = step.cpu.denseMacs();
            long macs = step.onHost() || step.usesFresh() ? dense : Math.round(dense * updated);
            layers.add(new LayerStats(step.cpu.node().name(), step.cpu.node().op().type(), changed, updated, macs, dense, 0,
                    mode));
        }
        FrameStats stats = new FrameStats(s.frames(), keyframe, layers, nanos, deviceNanos);
        s.frameDone();
        return stats;
    }

    /** Timed replays of each launch sequence per layer when measuring break-even fractions. */
    private static final int BREAK_EVEN_REPS = 20;

    /**
     * Measures where each change-based layer's dense fallback pays on this GPU, for micro-batches of {@code cameras}
     * frames of these input shapes: per layer, the device time of its change-based launches when none of its
     * input changed ({@code t0}: detection, dilation and an empty gather-GEMM) and when all of it did ({@code t1}),
     * and of its dense launches ({@code td}), each captured and replayed as in a frame's graph. Taking the
     * change-based time as linear in the fraction of outputs recomputed, the break-even fraction is
     * {@code (td - t0) / (t1 - t0)}, clamped to [0, 1]: 0 where detection alone costs the dense computation, 1
     * where recomputing everything change-based is no slower than dense. Frames are random values; what the
     * kernels cost depends on the amount of work, not on the values.
     *
     * @return per-layer break-even fractions (default 1 for layers without one), probing every {@code probeEvery}
     *     frames
     */
    public DenseFallback measureBreakEven(Map<String, int[]> inputShapes, int cameras, int probeEvery) {
        if (cameras < 1 || cameras > MAX_BATCH) throw new IllegalArgumentException("cameras must be in 1.." + MAX_BATCH);
        return onDevice(() -> {
            CudaPlan p = plan(cpuPlans.plan(inputShapes));
            Random random = new Random(1);
            List<Map<String, Tensor>> inputs = new ArrayList<>();
            List<CudaStream> streams = new ArrayList<>();
            List<Integer> all = new ArrayList<>();
            for (int c = 0; c < cameras; c++) {
                Map<String, Tensor> in = new LinkedHashMap<>();
                inputShapes.forEach((name, shape) -> {
                    float[] v = new float[Shapes.size(shape)];
                    for (int i = 0; i < v.length; i++) v[i] = random.nextFloat();
                    in.put(name, Tensor.of(shape, v));
                });
                inputs.add(in);
                CudaStream s = new CudaStream(this);
                s.bind(p);
                streams.add(s);
                all.add(c);
            }
            Frames.Batch batch = Frames.of(graph, inputs).batch(all);
            boolean[] keyframes = new boolean[cameras], none = new boolean[cameras];
            Arrays.fill(keyframes, true);
            try (BatchRunner runner = new BatchRunner(p, cameras, BatchRunner.Mode.CHANGE_BASED, false, launcher, graphCapture,
                    pool, null, LabelOutputs.NONE)) {
                runner.run(streams, batch, keyframes);
                double[] t1 = runner.stepMillis(streams, keyframes, BREAK_EVEN_REPS);
                runner.run(streams, batch, none);  // the same frames again: nothing changes
                double[] t0 = runner.stepMillis(streams, none, BREAK_EVEN_REPS);
                for (CudaStream s : streams) {
                    for (CudaStep step : p.steps()) {
                        if (!step.detects()) continue;
                        s.layerMode(step.index, LayerMode.DENSE);
                        s.outputMaskWhole(step.index, true);  // the steady state of a fallen-back layer: no mask to fill
                    }
                }
                double[] td = runner.stepMillis(streams, none, BREAK_EVEN_REPS);
                Map<String, Double> layers = new LinkedHashMap<>();
                for (CudaStep step : p.steps()) {
                    if (!step.detects()) continue;
                    int i = step.index;
                    double b = t1[i] <= td[i] ? 1.0 : Math.min(1.0, Math.max(0.0, (td[i] - t0[i]) / (t1[i] - t0[i])));
                    layers.put(step.cpu.node().name(), b);
                    LOG.log(System.Logger.Level.DEBUG, () -> String.format(
                            "break-even x%d %s: all changed %.4f ms, none %.4f ms, dense %.4f ms: %.3f",
                            cameras, step.cpu.node().name(), t1[i], t0[i], td[i], b));
                }
                return DenseFallback.of(1.0, layers).probeEvery(probeEvery);
            } finally {
                streams.forEach(CudaStream::close);
            }
        });
    }

    /**
     * The device time of the last dense call ({@link #denseResults}, {@link #denseImageResults} and the methods on
     * them; CUDA events, from its first upload to its last download, summed over the launches it took): what the GPU
     * spent, without the host's share.
     */
    public long lastDenseDeviceNanos() {
        return lastDenseDeviceNanos;
    }

    @Override
    public List<DenseResult> denseResults(List<Map<String, Tensor>> inputs) {
        return onDevice(() -> dense(Frames.of(graph, inputs)));
    }

    @Override
    public List<DenseResult> denseImageResults(List<RgbInput> images) {
        return onDevice(() -> dense(Frames.ofImages(imageInput(), images)));
    }

    private List<DenseResult> dense(Frames frames) {
        Map<Group, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            CudaPlan p = plan(cpuPlans.plan(frames.shapes(i)));
            groups.computeIfAbsent(new Group(p, frames.scale(i)), k -> new ArrayList<>()).add(i);
        }
        List<DenseResult> results = new ArrayList<>(java.util.Collections.nCopies(frames.size(), null));
        long nanos = 0;
        for (Map.Entry<Group, List<Integer>> group : groups.entrySet()) {
            CudaPlan p = group.getKey().plan();
            List<Integer> all = group.getValue();
            for (int from = 0; from < all.size(); from += MAX_BATCH) {
                List<Integer> chunk = all.subList(from, Math.min(all.size(), from + MAX_BATCH));
                BatchRunner runner = runner(p, chunk.size(), BatchRunner.Mode.DENSE, frames.images());
                BatchRunner.CameraResult[] out = runner.run(denseBatch(p, chunk.size()).streams(), frames.batch(chunk),
                        new boolean[chunk.size()]);
                nanos += runner.deviceNanos();
                rejectNonFinite(out, chunk, frames);
                for (int k = 0; k < chunk.size(); k++) results.set(chunk.get(k), new DenseResult(out[k].outputs(), out[k].labels()));
            }
        }
        lastDenseDeviceNanos = nanos;
        return results;
    }

    /** Value buffers for dense passes of {@code n} frames (their state is never read), back to back per value. */
    private DenseBatch denseBatch(CudaPlan p, int n) {
        return denseBatches.computeIfAbsent(new DenseKey(p, n), k -> new DenseBatch(this, p, n));
    }

    /** The CPU backend's error for the first frame of the batch (in batch order) that held a non-finite value. */
    private void rejectNonFinite(BatchRunner.CameraResult[] out, List<Integer> indexes, Frames frames) {
        for (int k = 0; k < out.length; k++) {
            int[] bad = out[k].firstNonFinite();
            for (int i = 0; i < bad.length; i++) {
                if (bad[i] >= 0) {
                    String name = graph.inputs().get(i).name();
                    throw CpuPlan.notFinite(name, frames.tensors().get(indexes.get(k)).get(name), bad[i]);
                }
            }
        }
    }

    private CudaPlan plan(CpuPlan cpu) {
        return plans.computeIfAbsent(cpu, c -> new CudaPlan(c, precision, thresholds, recursive, gatherBudget, transfers, pool, libraries));
    }

    private BatchRunner runner(CudaPlan p, int cams, BatchRunner.Mode mode, boolean images) {
        RunnerKey key = new RunnerKey(p, cams, mode, images);
        BatchRunner r = runners.get(key);
        if (r == null) {
            if (runners.size() >= MAX_RUNNERS) {
                var eldest = runners.entrySet().iterator().next();
                eldest.getValue().close();
                runners.remove(eldest.getKey());
            }
            r = new BatchRunner(p, cams, mode, images, launcher, graphCapture, pool,
                    mode == BatchRunner.Mode.DENSE ? denseBatch(p, cams).streams() : null,
                    mode == BatchRunner.Mode.RESTORE ? LabelOutputs.NONE : labelOutputs);  // a restore has no outputs
            runners.put(key, r);
        }
        return r;
    }

    float[] download(DeviceBuffer buffer, SlotLayout layout) {
        return onDevice(() -> transfers.download(buffer, layout));
    }

    /** Runs with this backend's device current on the calling thread. */
    <T> T onDevice(java.util.function.Supplier<T> work) {
        requireOpen();
        device.makeCurrent();
        return work.get();
    }

    void onDevice(Runnable work) {
        if (closed) return;
        device.makeCurrent();
        work.run();
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("backend " + name() + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        device.makeCurrent();
        cuStreamSynchronize(stream);
        runners.values().forEach(BatchRunner::close);
        runners.clear();
        denseBatches.values().forEach(DenseBatch::close);
        plans.values().forEach(CudaPlan::close);
        transfers.close();
        graphCapture.close();
        libraries.close();
        launcher.close();
        pool.close();
        cuStreamDestroy(stream);
        closed = true;
    }
}
