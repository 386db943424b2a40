package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.CU_EVENT_DEFAULT;
import static org.bytedeco.cuda.global.cudart.cuEventCreate;
import static org.bytedeco.cuda.global.cudart.cuEventDestroy;
import static org.bytedeco.cuda.global.cudart.cuEventElapsedTime;
import static org.bytedeco.cuda.global.cudart.cuEventRecord;
import static org.bytedeco.cuda.global.cudart.cuGraphLaunch;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoHAsync;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoDAsync;
import static org.bytedeco.cuda.global.cudart.cuMemsetD32Async;
import static org.bytedeco.cuda.global.cudart.cuStreamSynchronize;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.post.LabelOutputs;
import org.cbinfer.kernels.post.LabelRule;
import org.cbinfer.kernels.post.Labels;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Runs one plan for a fixed number of cameras at once: the buffers a micro-batch needs besides the cameras'
 * own (pointer tables, counters, position lists, the gathered rows of the GEMMs, staging), and the launch sequence
 * of a frame. The sequence depends on no host decision but one - which change-based layers every camera of the
 * batch computes densely (their {@link LayerMode}) - and what depends on the device (how many positions changed)
 * is decided by conditional nodes, so it is captured as a CUDA graph, one per set of dense layers, and replayed
 * (unless a step runs on the host: such a plan runs uncaptured, the host reading the counts it needs).
 *
 * <p>Per-camera buffers reach the kernels through device tables of addresses, one table per value, mask,
 * committed input and detection mask; the host fills them for each batch, and one copy uploads them with the
 * keyframe flags, so the same graph serves any cameras of the same plan. A change-based layer has its own
 * keyframe flags (set for a camera's keyframe and for a layer that commits or computes its whole input); a
 * layer a camera computes densely while others of the batch do not reads that camera's current input in place
 * of its committed one (its table entry points there), so it recomputes everything and commits nothing.
 *
 * <p>Outputs go down as fp32 NCHW tensors or, those asked as labels, as label maps made on the device (a byte a
 * pixel), or both; both are part of the captured frame.
 */
final class BatchRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BatchRunner.class.getName());
    /** What a run computes. */
    enum Mode {
        /** Change detection, commit and recomputation of the affected positions; keyframes per camera. */
        CHANGE_BASED,
        /** The dense model from the inputs; no state is read. */
        DENSE,
        /** Every value recomputed from the committed inputs (after a restore); no inputs loaded, no outputs. */
        RESTORE
    }

    private final CudaPlan plan;
    private final int cams;
    private final Mode mode;
    private final boolean images;
    private final Launcher launcher;
    private final GraphCapture graph;
    private final DeviceMemoryPool pool;
    /** A dense runner's cameras: buffers back to back per value ({@link CudaBackend}'s dense batches); else null. */
    private final List<CudaStream> denseBatch;
    private final DenseConvolution[] denseConvolutions;
    private final DeviceBuffer gathered;
    private final DeviceBuffer products;
    private final int slotCount;
    private final int stepCount;
    private final int tableCount;
    private final long controlBytes;
    private final DeviceBuffer control;
    private final PinnedBuffer controlHost;
    private final int counterCount;
    private final DeviceBuffer counters;
    private final PinnedBuffer countersHost;
    private final DeviceBuffer[] lists;
    private final DeviceBuffer[] fresh;
    private final DeviceBuffer[] inputStage;
    private final PinnedBuffer[] inputStageHost;
    /** Per graph output: its staging as an fp32 tensor, null where only its labels go down. */
    private final DeviceBuffer[] outputStage;
    private final PinnedBuffer[] outputStageHost;
    /** Per graph output: the rule of its label map, null where it goes down as a tensor only. */
    private final LabelRule[] labelRules;
    private final DeviceBuffer[] labelStage;
    private final PinnedBuffer[] labelStageHost;
    private final DeviceBuffer hostStage;
    private final PinnedBuffer hostStageHost;
    /**
     * Most graphs kept per runner. A stream with fallen-back layers visits few sets of dense layers (DenseFallback
     * probes all layers together): the steady set, the probing frames' and the sets layers pass through on their
     * way to falling back.
     */
    private static final int MAX_GRAPHS = 40;

    private final CUevent_st started = new CUevent_st();
    private final CUevent_st finished = new CUevent_st();
    /** Captured frames by their launch sequence (see {@link #sequence}); least recently used first. */
    private final LinkedHashMap<BitSet, CUgraphExec_st> graphs = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * What the run's launch sequence depends on: bit 2i set when every camera computes change-based step i densely,
     * bit 2i + 1 when, besides, some camera's output mask of that step is not yet whole (it then gets filled).
     */
    private BitSet sequence = new BitSet();
    private int runs;
    private long deviceNanos;

    /**
     * @param images whether frames arrive as 8-bit RGB images (one input of 3 channels, uploaded as bytes and
     *     converted on the device through a 256-entry table) rather than float tensors
     * @param denseBatch for a dense runner, its cameras' buffers laid out back to back (cuDNN takes the batch at once);
     *     null otherwise
     * @param labelOutputs the outputs that go down as label maps
     */
    BatchRunner(CudaPlan plan, int cams, Mode mode, boolean images, Launcher launcher, GraphCapture graph,
                DeviceMemoryPool pool, List<CudaStream> denseBatch, LabelOutputs labelOutputs) {
        if (images && (plan.inputSlots().length != 1 || plan.slots()[plan.inputSlots()[0]].channels() != 3)) {
            throw new IllegalArgumentException("RGB images feed a graph of one 3-channel input");
        }
        int[] outs = plan.outputSlots();
        List<String> outputNames = plan.cpu().graph().outputs();
        this.labelRules = new LabelRule[outs.length];
        for (int i = 0; i < outs.length; i++) {
            labelRules[i] = labelOutputs.rule(outputNames.get(i));
            // checked before anything is allocated: a refused shape leaves nothing behind
            if (labelRules[i] != null) LabelRule.checkShape(plan.slots()[outs[i]].shape(), Labels.MAX_CLASSES);
        }
        this.plan = plan;
        this.cams = cams;
        this.mode = mode;
        this.images = images;
        this.launcher = launcher;
        this.graph = graph;
        this.pool = pool;
        this.denseBatch = denseBatch;
        this.slotCount = plan.slots().length;
        this.stepCount = plan.steps().size();
        this.tableCount = 2 * slotCount + 3 * stepCount;
        this.controlBytes = lookupTableOffset() + (images ? 4L * 256 : 0);
        this.control = pool.allocate(controlBytes);
        this.controlHost = new PinnedBuffer(controlBytes);
        this.counterCount = stepCount * (2 + 2 * cams) + 2 * plan.inputSlots().length * cams;
        this.counters = pool.allocate(4L * counterCount);
        this.countersHost = new PinnedBuffer(4L * counterCount);
        this.lists = new DeviceBuffer[stepCount];
        this.fresh = new DeviceBuffer[stepCount];
        long hostStageValues = 0, gatheredBytes = 0, productBytes = 0;
        for (CudaStep s : plan.steps()) {
            if (s instanceof ConvStep c) {
                gatheredBytes = Math.max(gatheredBytes, c.gatheredBytes(cams));
                productBytes = Math.max(productBytes, c.productBytes(cams));
            }
            SlotLayout out = plan.slots()[s.outSlot()];
            if (s.usesList() && mode == Mode.CHANGE_BASED) lists[s.index] = pool.allocate(4L * cams * out.plane());
            if (s.usesFresh()) fresh[s.index] = pool.allocate((long) plan.elementBytes() * cams * out.size());
            if (s.onHost()) {
                hostStageValues = Math.max(hostStageValues, out.size());
                for (int in : s.cpu.inputSlots()) hostStageValues = Math.max(hostStageValues, plan.slots()[in].size());
            }
        }
        this.gathered = gatheredBytes == 0 ? null : pool.allocate(gatheredBytes);
        this.products = productBytes == 0 ? null : pool.allocate(productBytes);
        check(cuEventCreate(started, CU_EVENT_DEFAULT), "cuEventCreate");
        check(cuEventCreate(finished, CU_EVENT_DEFAULT), "cuEventCreate");
        this.hostStage = hostStageValues == 0 ? null : pool.allocate(4L * cams * hostStageValues);
        this.hostStageHost = hostStageValues == 0 ? null : new PinnedBuffer(4L * cams * hostStageValues);
        int[] ins = plan.inputSlots();
        this.inputStage = new DeviceBuffer[ins.length];
        this.inputStageHost = new PinnedBuffer[ins.length];
        for (int i = 0; i < ins.length; i++) {
            long bytes = (images ? 1L : 4L) * cams * plan.slots()[ins[i]].size();
            inputStage[i] = pool.allocate(bytes);
            inputStageHost[i] = new PinnedBuffer(bytes);
        }
        this.outputStage = new DeviceBuffer[outs.length];
        this.outputStageHost = new PinnedBuffer[outs.length];
        this.labelStage = new DeviceBuffer[outs.length];
        this.labelStageHost = new PinnedBuffer[outs.length];
        for (int i = 0; i < outs.length; i++) {
            if (labelOutputs.returnsTensor(outputNames.get(i))) {
                long bytes = 4L * cams * plan.slots()[outs[i]].size();
                outputStage[i] = pool.allocate(bytes);
                outputStageHost[i] = new PinnedBuffer(bytes);
            }
            if (labelRules[i] != null) {
                long bytes = (long) cams * plan.slots()[outs[i]].plane();
                labelStage[i] = pool.allocate(bytes);
                labelStageHost[i] = new PinnedBuffer(bytes);
            }
        }
        this.denseConvolutions = new DenseConvolution[stepCount];
        for (CudaStep s : plan.steps()) s.prepare(this);
    }

    // ---- what steps use while enqueuing ----------------------------------------------------------------------

    Mode mode() {
        return mode;
    }

    int cams() {
        return cams;
    }

    Launcher launcher() {
        return launcher;
    }

    /**
     * {@code -Dcbinfer.cuda.graphs=false} enqueues every frame eagerly (the host reads each layer's row count)
     * instead of replaying captured graphs: slower, for telling a graph problem from a kernel problem.
     */
    private static final boolean GRAPHS = !"false".equals(System.getProperty("cbinfer.cuda.graphs"));

    private boolean convolutionsChosen;

    /** Where conditional nodes go while the frame is captured. */
    GraphCapture graph() {
        return graph;
    }

    /** True for a dense runner whose cameras' values lie back to back (one library call covers the batch). */
    boolean contiguous() {
        return denseBatch != null;
    }

    /** Device address of a value of the first camera of a contiguous batch: the whole batch's, back to back. */
    long batchValue(int slot) {
        if (denseBatch == null) throw new IllegalStateException("not a contiguous batch");
        return plan.slots()[slot].constant() ? plan.constant(slot).address() : denseBatch.get(0).value(slot).address();
    }

    DenseConvolution denseConvolution(int step) {
        return denseConvolutions[step];
    }

    void denseConvolution(int step, DenseConvolution c) {
        denseConvolutions[step] = c;
    }

    /** The batch's scratch of gathered GEMM rows and of their products (sized for its largest layer). */
    long gathered() {
        return gathered.address();
    }

    long products() {
        return products.address();
    }

    /** The chunk counter of a step's GEMM loop (zeroed at the start of each frame with the other counters). */
    long chunkCounter(int step) {
        return counters.address(4L * (stepCount + step));
    }

    /** Waits for the stream and reads a device counter (uncaptured runs: plans with host steps). */
    int readCount(long counter) {
        check(cuMemcpyDtoHAsync(countersHost.pointer(), counter, 4, launcher.stream()), "cuMemcpyDtoHAsync");
        synchronize();
        return countersHost.view().getInt(0);
    }

    CudaPlan plan() {
        return plan;
    }

    /** Device address of the table of a value slot's per-camera addresses. */
    long val(int slot) {
        return table(slot);
    }

    long mask(int slot) {
        return table(slotCount + slot);
    }

    long committed(int step) {
        return table(2 * slotCount + step);
    }

    long detected(int step) {
        return table(2 * slotCount + stepCount + step);
    }

    long fresh(int step) {
        return table(2 * slotCount + 2 * stepCount + step);
    }

    long keyframes() {
        return control.address(keyframeOffset());
    }

    /** Per-camera flags of a change-based step: 1 where the camera's frame of the layer is whole (keyframe, REKEY, DENSE). */
    long layerKeyframes(int step) {
        return control.address(keyframeOffset() + 4L * cams * (1 + step));
    }

    /** True when every camera of this run computes the change-based step densely: no detection, no list. */
    boolean denseStep(int step) {
        return sequence.get(2 * step);
    }

    /**
     * True when a step every camera computes densely must mark its output changed everywhere: a camera's mask of it
     * is left whole by a frame that computed the layer whole, and stays so while nothing else writes it.
     */
    boolean fillsMask(int step) {
        return sequence.get(2 * step + 1);
    }

    private long keyframeOffset() {
        return (long) tableCount * cams * 8;
    }

    /** Where the image pixel-value table follows the keyframe flags in the control block (16-byte aligned). */
    private long lookupTableOffset() {
        return (keyframeOffset() + 4L * cams * (1 + stepCount) + 15) / 16 * 16;
    }

    long list(int step) {
        return lists[step] == null ? Launcher.NULL : lists[step].address();
    }

    long listCount(int step) {
        return counters.address(4L * step);
    }

    /** Per-camera counters of the positions a step's output mask marks. */
    long updated(int step) {
        return counters.address(4L * (2L * stepCount + (long) step * cams));
    }

    /** Per-camera counters of the positions a change-based convolution detected. */
    long detectedCount(int step) {
        return counters.address(4L * (2L * stepCount + (long) (stepCount + step) * cams));
    }

    private long inputChanged(int input) {
        return counters.address(4L * (2L * stepCount + 2L * stepCount * cams + (long) input * cams));
    }

    /** Per-camera records of an input's first non-finite value (load_input's encoding). */
    private long nonFinite(int input) {
        return counters.address(4L * nonFiniteOffset(input));
    }

    private int nonFiniteOffset(int input) {
        return 2 * stepCount + 2 * stepCount * cams + (plan.inputSlots().length + input) * cams;
    }

    private long table(int k) {
        return control.address((long) k * cams * 8);
    }

    /** Float staging of {@code cams} x the largest value a host step reads or writes. */
    DeviceBuffer hostStage() {
        return hostStage;
    }

    PinnedBuffer hostStageHost() {
        return hostStageHost;
    }

    /** Waits for everything enqueued so far (host steps need their inputs on the host). */
    void synchronize() {
        check(cuStreamSynchronize(launcher.stream()), "cuStreamSynchronize");
    }

    // ---- running ----------------------------------------------------------------------------------------------

    /**
     * What one camera's frame produced; {@code firstNonFinite[i]} is the flat index of input i's first NaN or
     * infinite value, -1 if none (outputs and state of such a camera are then meaningless).
     */
    record CameraResult(Map<String, Tensor> outputs, Map<String, Labels> labels, int[] updated, int[] detected,
                        int[] firstNonFinite) {}

    /**
     * Runs one frame for each stream ({@code frames}: tensors in graph input order, NCHW, or RGB images as
     * the runner was made for; null in RESTORE mode).
     * Returns per-camera outputs and counts (outputs empty in RESTORE mode).
     */
    CameraResult[] run(List<CudaStream> streams, Frames.Batch frames, boolean[] keyframes) {
        if (streams.size() != cams) throw new IllegalArgumentException(streams.size() + " streams for a batch of " + cams);
        fillControl(streams, keyframes);
        if (mode != Mode.RESTORE) {
            if (images) {
                fillImages(frames.images());
            } else {
                fillInputs(frames.tensors());
            }
        }
        if (!convolutionsChosen) {
            convolutionsChosen = true;
            chooseDenseConvolutions();
            if (mode == Mode.DENSE && LOG.isLoggable(System.Logger.Level.DEBUG)) logStepTimes(streams, keyframes);
        }
        CUgraphExec_st exec = graphs.get(sequence);
        if (exec == null && plan.capturable() && GRAPHS) exec = capture();
        check(cuEventRecord(started, launcher.stream()), "cuEventRecord");
        if (exec != null) {
            check(cuGraphLaunch(exec, launcher.stream()), "cuGraphLaunch");
        } else {
            enqueueFrame();
        }
        check(cuEventRecord(finished, launcher.stream()), "cuEventRecord");
        synchronize();
        float[] ms = new float[1];
        check(cuEventElapsedTime(ms, started, finished), "cuEventElapsedTime");
        deviceNanos = Math.round(ms[0] * 1e6);
        runs++;
        return results();
    }

    /** The last run's time on the device, from its first upload to its last download (CUDA events). */
    long deviceNanos() {
        return deviceNanos;
    }

    private CUgraphExec_st capture() {
        CUgraphExec_st exec = graph.capture(this::enqueueFrame);
        if (graphs.size() >= MAX_GRAPHS) {
            var eldest = graphs.entrySet().iterator().next();
            GraphCapture.destroy(eldest.getValue());
            graphs.remove(eldest.getKey());
        }
        graphs.put(sequence, exec);
        return exec;
    }

    /**
     * The device time of each step's launches for these cameras, in milliseconds (NaN for host steps): a step's
     * launches, repeated {@code reps} times after clearing the counters (a small memset, timed with them), are
     * captured as one graph, replayed once to warm up and once timed
     * between events, as a frame's graph would run them. The tables are those of {@code streams} with these
     * keyframe flags and the streams' layer modes; the inputs are whatever the last run left. Repeating a step
     * changes the state as repeating it in a frame would (commits, masks): this is for measuring, not for frames.
     */
    double[] stepMillis(List<CudaStream> streams, boolean[] keyframes, int reps) {
        fillControl(streams, keyframes);
        check(cuMemcpyHtoDAsync(control.address(), controlHost.pointer(), controlBytes, launcher.stream()),
                "cuMemcpyHtoDAsync");
        double[] ms = new double[stepCount];
        for (CudaStep step : plan.steps()) {
            if (step.onHost()) {
                ms[step.index] = Double.NaN;
                continue;
            }
            // as at the start of a frame: position lists and counters start empty
            ms[step.index] = capturedMillis(reps, () -> {
                check(cuMemsetD32Async(counters.address(), 0, counterCount, launcher.stream()), "cuMemsetD32Async");
                step.enqueue(this);
            });
        }
        return ms;
    }

    /**
     * The device time of {@code launches} in milliseconds: repeated {@code reps} times in one captured graph, replayed
     * once to warm up and once between events, divided by {@code reps}.
     */
    private double capturedMillis(int reps, Runnable launches) {
        CUgraphExec_st exec = graph.capture(() -> {
            for (int r = 0; r < reps; r++) launches.run();
        });
        try {
            float[] elapsed = new float[1];
            check(cuGraphLaunch(exec, launcher.stream()), "cuGraphLaunch");
            check(cuEventRecord(started, launcher.stream()), "cuEventRecord");
            check(cuGraphLaunch(exec, launcher.stream()), "cuGraphLaunch");
            check(cuEventRecord(finished, launcher.stream()), "cuEventRecord");
            synchronize();
            check(cuEventElapsedTime(elapsed, started, finished), "cuEventElapsedTime");
            return elapsed[0] / (double) reps;
        } finally {
            GraphCapture.destroy(exec);
        }
    }

    /**
     * Keeps cuDNN for a dense convolution only where it beats our gather + cuBLASLt path on this GPU at this batch:
     * both timed once per geometry and backend, on the first frame's tables, before that frame runs; every later
     * runner of the backend follows that choice (the same bits whichever runner computes a frame). Neither wins
     * everywhere: cuDNN's legacy API is slow for some large kernels at large batches, our path pays for the gathered
     * copy on small ones.
     */
    private void chooseDenseConvolutions() {
        check(cuMemcpyHtoDAsync(control.address(), controlHost.pointer(), controlBytes, launcher.stream()),
                "cuMemcpyHtoDAsync");
        for (CudaStep step : plan.steps()) {
            DenseConvolution cudnn = denseConvolutions[step.index];
            if (cudnn == null) continue;
            Boolean faster = plan.libraries().cudnnFaster().get(cudnn.geometry());
            if (faster == null) {
                double withCudnn = capturedMillis(3, () -> step.enqueue(this));
                denseConvolutions[step.index] = null;
                double withGemm = capturedMillis(3, () -> step.enqueue(this));
                faster = withCudnn <= withGemm;
                plan.libraries().cudnnFaster().put(cudnn.geometry(), faster);
                String verdict = faster ? "cuDNN" : "gather + GEMM";
                LOG.log(System.Logger.Level.DEBUG, () -> String.format("%s (%s): cuDNN %.3f ms, gather + GEMM %.3f ms: %s",
                        step.cpu.node().name(), cudnn.geometry(), withCudnn, withGemm, verdict));
            }
            if (faster) {
                denseConvolutions[step.index] = cudnn;
            } else {
                denseConvolutions[step.index] = null;
                cudnn.close();
            }
        }
    }

    /** The device time of each step of a dense pass, logged at DEBUG: where a frame's time goes. */
    private void logStepTimes(List<CudaStream> streams, boolean[] keyframes) {
        double[] ms = stepMillis(streams, keyframes, 3);
        StringBuilder table = new StringBuilder("dense pass x" + cams + ", device ms per step:");
        double total = 0;
        for (CudaStep step : plan.steps()) {
            if (step.onHost()) continue;
            total += ms[step.index];
            table.append(String.format("%n  %8.4f  %s (%s)%s", ms[step.index], step.cpu.node().name(), step.cpu.node().op().type(),
                    denseConvolutions[step.index] != null ? " cuDNN" : ""));
        }
        table.append(String.format("%n  %8.4f  total", total));
        LOG.log(System.Logger.Level.DEBUG, table.toString());
    }

    private void enqueueFrame() {
        var s = launcher.stream();
        check(cuMemcpyHtoDAsync(control.address(), controlHost.pointer(), controlBytes, s), "cuMemcpyHtoDAsync");
        check(cuMemsetD32Async(counters.address(), 0, counterCount, s), "cuMemsetD32Async");
        int[] ins = plan.inputSlots();
        if (mode != Mode.RESTORE) {
            for (int i = 0; i < ins.length; i++) {
                SlotLayout l = plan.slots()[ins[i]];
                check(cuMemcpyHtoDAsync(inputStage[i].address(), inputStageHost[i].pointer(),
                        (images ? 1L : 4L) * cams * l.size(), s), "cuMemcpyHtoDAsync");
                if (images) {
                    launcher.launch(Kernels.LOAD_RGB8, Launcher.blocks(l.plane()), cams, Launcher.BLOCK, new Kernels.LoadRgb8(
                            inputStage[i].address(), control.address(lookupTableOffset()), val(ins[i]), mask(ins[i]),
                            keyframes(), inputChanged(i), l.plane()));
                } else {
                    launcher.launch(Kernels.LOAD_INPUT, Launcher.blocks(l.plane()), cams, Launcher.BLOCK, new Kernels.LoadInput(
                            inputStage[i].address(), val(ins[i]), mask(ins[i]), keyframes(), inputChanged(i), nonFinite(i),
                            l.channels(), l.plane()));
                }
            }
        }
        for (CudaStep step : plan.steps()) step.enqueue(this);
        if (mode != Mode.RESTORE) {
            int[] outs = plan.outputSlots();
            for (int i = 0; i < outs.length; i++) {
                SlotLayout l = plan.slots()[outs[i]];
                if (outputStage[i] != null) {
                    launcher.launch(Kernels.STORE_OUTPUT, launcher.blocksFor(l.size(), 4), cams, Launcher.BLOCK,
                            new Kernels.StoreOutput(val(outs[i]), outputStage[i].address(), l.channels(), l.plane()));
                    check(cuMemcpyDtoHAsync(outputStageHost[i].pointer(), outputStage[i].address(), 4L * cams * l.size(), s),
                            "cuMemcpyDtoHAsync");
                }
                if (labelStage[i] != null) {
                    launcher.launch(Kernels.LABEL_OUTPUT, launcher.blocksFor(l.plane(), 4), cams, Launcher.BLOCK,
                            new Kernels.LabelOutput(val(outs[i]), labelStage[i].address(), l.channels(), l.plane(),
                                    labelRules[i].cut()));
                    check(cuMemcpyDtoHAsync(labelStageHost[i].pointer(), labelStage[i].address(), (long) cams * l.plane(), s),
                            "cuMemcpyDtoHAsync");
                }
            }
        }
        check(cuMemcpyDtoHAsync(countersHost.pointer(), counters.address(), 4L * counterCount, s), "cuMemcpyDtoHAsync");
    }

    private void fillControl(List<CudaStream> streams, boolean[] keyframes) {
        ByteBuffer b = controlHost.view();
        for (int s = 0; s < slotCount; s++) {
            SlotLayout l = plan.slots()[s];
            for (int c = 0; c < cams; c++) {
                CudaStream st = streams.get(c);
                b.putLong(8 * (s * cams + c), l.constant() ? plan.constant(s).address() : st.value(s).address());
                b.putLong(8 * ((slotCount + s) * cams + c), l.constant() ? plan.zeroMask().address() : st.mask(s).address());
            }
        }
        BitSet seq = new BitSet();
        long kf = keyframeOffset();
        for (CudaStep step : plan.steps()) {
            int i = step.index;
            int denseCams = 0;
            boolean partialMask = false;
            for (int c = 0; c < cams; c++) {
                CudaStream st = streams.get(c);
                LayerMode m = mode != Mode.CHANGE_BASED || keyframes[c] ? LayerMode.REKEY : st.layerMode(i);
                if (m == LayerMode.DENSE) denseCams++;
                partialMask |= !st.outputMaskWhole(i);
                b.putInt((int) (kf + 4L * (cams * (1 + i) + c)), m.whole() ? 1 : 0);
                // a dense batch's streams keep no committed state: nothing reads it in a dense pass
                long committed = !step.detects() || mode == Mode.DENSE ? 0L
                        : m == LayerMode.DENSE ? st.value(step.inSlot(0)).address() : st.committed(i).address();
                long detected = step.detects() && mode != Mode.DENSE ? st.detected(i).address() : 0L;
                long freshAt = fresh[i] == null ? 0L
                        : fresh[i].address((long) c * plan.elementBytes() * plan.slots()[step.outSlot()].size());
                b.putLong(8 * ((2 * slotCount + i) * cams + c), committed);
                b.putLong(8 * ((2 * slotCount + stepCount + i) * cams + c), detected);
                b.putLong(8 * ((2 * slotCount + 2 * stepCount + i) * cams + c), freshAt);
            }
            if (step.detects() && denseCams == cams) {
                seq.set(2 * i);
                if (partialMask) seq.set(2 * i + 1);
            }
        }
        for (int c = 0; c < cams; c++) b.putInt((int) (kf + 4L * c), mode != Mode.CHANGE_BASED || keyframes[c] ? 1 : 0);
        sequence = seq;
    }

    /** Interleaved RGB bytes per camera, back to back, and the batch's pixel-value table (one scale a batch). */
    private void fillImages(List<RgbInput> frames) {
        int frameBytes = 3 * plan.slots()[plan.inputSlots()[0]].plane();
        ByteBuffer stage = inputStageHost[0].view();
        // absolute bulk puts of disjoint ranges: the buffer's position is never touched
        ParallelCopy.run(cams, frameBytes, 1, (c, from, length) -> {
            RgbInput f = frames.get(c);
            stage.put(c * frameBytes + from, f.rgb(), f.offset() + from, length);
        });
        controlHost.view().asFloatBuffer().put((int) (lookupTableOffset() / 4), frames.get(0).lookupTable());
    }

    private void fillInputs(List<float[][]> inputs) {
        int[] ins = plan.inputSlots();
        for (int i = 0; i < ins.length; i++) {
            int input = i, size = (int) plan.slots()[ins[i]].size();
            ByteBuffer stage = inputStageHost[i].view();
            ParallelCopy.run(cams, size, 4, (c, from, length) ->
                    stage.asFloatBuffer().put(c * size + from, inputs.get(c)[input], from, length));
        }
    }

    private CameraResult[] results() {
        CameraResult[] r = new CameraResult[cams];
        ByteBuffer counts = countersHost.view();
        int[] outs = plan.outputSlots();
        float[][][] data = new float[cams][outs.length][];
        byte[][][] labels = new byte[cams][outs.length][];
        if (mode != Mode.RESTORE) {
            for (int i = 0; i < outs.length; i++) {
                int output = i;
                if (outputStage[i] != null) {
                    int size = (int) plan.slots()[outs[i]].size();
                    for (int c = 0; c < cams; c++) data[c][i] = new float[size];
                    ByteBuffer stage = outputStageHost[i].view();
                    ParallelCopy.run(cams, size, 4, (c, from, length) ->
                            stage.asFloatBuffer().get(c * size + from, data[c][output], from, length));
                }
                if (labelStage[i] != null) {
                    int plane = plan.slots()[outs[i]].plane();
                    for (int c = 0; c < cams; c++) labels[c][i] = new byte[plane];
                    ByteBuffer stage = labelStageHost[i].view();
                    ParallelCopy.run(cams, plane, 1, (c, from, length) ->
                            stage.get(c * plane + from, labels[c][output], from, length));
                }
            }
        }
        for (int c = 0; c < cams; c++) {
            Map<String, Tensor> outputs = new java.util.LinkedHashMap<>();
            Map<String, Labels> labelMaps = new java.util.LinkedHashMap<>();
            if (mode != Mode.RESTORE) {
                for (int i = 0; i < outs.length; i++) {
                    String name = plan.cpu().graph().outputs().get(i);
                    SlotLayout l = plan.slots()[outs[i]];
                    if (data[c][i] != null) outputs.put(name, Tensor.of(l.shape(), data[c][i]));
                    if (labels[c][i] != null) {
                        labelMaps.put(name, new Labels(LabelRule.classes(l.channels()), l.height(), l.width(), labels[c][i]));
                    }
                }
            }
            int[] updated = new int[stepCount];
            int[] detected = new int[stepCount];
            for (int s = 0; s < stepCount; s++) {
                updated[s] = counts.getInt(4 * (2 * stepCount + s * cams + c));
                detected[s] = counts.getInt(4 * (2 * stepCount + (stepCount + s) * cams + c));
            }
            int[] firstNonFinite = new int[plan.inputSlots().length];
            for (int i = 0; i < firstNonFinite.length; i++) {
                int record = counts.getInt(4 * (nonFiniteOffset(i) + c));
                firstNonFinite[i] = mode == Mode.RESTORE || record == 0 ? -1 : Integer.MAX_VALUE - record;
            }
            r[c] = new CameraResult(outputs, labelMaps, updated, detected, firstNonFinite);
        }
        return r;
    }

    @Override
    public void close() {
        graphs.values().forEach(GraphCapture::destroy);
        graphs.clear();
        cuEventDestroy(started);
        cuEventDestroy(finished);
        for (DenseConvolution c : denseConvolutions) if (c != null) c.close();
        pool.release(gathered);
        pool.release(products);
        pool.release(control);
        pool.release(counters);
        pool.release(hostStage);
        for (DeviceBuffer d : lists) pool.release(d);
        for (DeviceBuffer d : fresh) pool.release(d);
        for (DeviceBuffer d : inputStage) pool.release(d);
        for (DeviceBuffer d : outputStage) pool.release(d);
        for (DeviceBuffer d : labelStage) pool.release(d);
        controlHost.close();
        countersHost.close();
        if (hostStageHost != null) hostStageHost.close();
        for (PinnedBuffer p : inputStageHost) p.close();
        for (PinnedBuffer p : outputStageHost) if (p != null) p.close();
        for (PinnedBuffer p : labelStageHost) if (p != null) p.close();
    }
}
