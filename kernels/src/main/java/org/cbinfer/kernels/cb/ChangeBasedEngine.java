package org.cbinfer.kernels.cb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.cpu.Kernel;
import org.cbinfer.kernels.cpu.PlanCache;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Change-based inference on the CPU (docs/algorithm.md): per stream, every convolution keeps the input it
 * last committed and the output it last produced, and per frame recomputes only the outputs whose
 * receptive field holds an input pixel that moved by more than the layer's threshold. Changes are
 * tracked as per-position masks and propagated through window ops (dilated), per-position ops (united)
 * and ops without a change-based form (recomputed whole, changes found by comparison).
 *
 * <p>Shared by all streams of a model (it holds only the graph, thresholds and plans); the per-stream
 * memory is a {@link StreamState}. Thread-safe across different states.
 */
public final class ChangeBasedEngine {
    private final Graph graph;
    private final Thresholds thresholds;
    private final boolean recursive;
    private final DenseFallback fallback;
    private final PlanCache plans;

    /**
     * @param recursive false selects the non-recursive ablation (see {@link #nonRecursive})
     * @param fallback  when layers compute densely instead ({@link DenseFallback#NONE}: never)
     */
    public ChangeBasedEngine(Graph graph, Thresholds thresholds, boolean recursive, DenseFallback fallback) {
        this.graph = GraphOptimizer.optimize(graph);
        checkLayerNames(this.graph, thresholds);
        checkLayerNames(this.graph, fallback.layers().keySet(), "break-even fractions");
        this.thresholds = thresholds;
        this.recursive = recursive;
        this.fallback = fallback;
        this.plans = new PlanCache(this.graph);
    }

    /** The recursive (feedback) engine of the reference, with the given thresholds. */
    public ChangeBasedEngine(Graph graph, Thresholds thresholds) {
        this(graph, thresholds, true, DenseFallback.NONE);
    }

    /**
     * The non-recursive ablation: committed inputs are replaced by the current input at every detected
     * position's window each frame, so sub-threshold drift is lost instead of accumulated. Unbounded
     * error; for comparison only.
     */
    public static ChangeBasedEngine nonRecursive(Graph graph, Thresholds thresholds) {
        return new ChangeBasedEngine(graph, thresholds, false, DenseFallback.NONE);
    }

    public Graph graph() {
        return graph;
    }

    /**
     * Names of the change-based layers, as thresholds files name them: the nodes of the optimized graph
     * that run change detection (a convolution fused with its activation carries the activation's name).
     */
    public static java.util.List<String> changeBasedLayers(Graph optimized) {
        return optimized.nodes().stream()
                .filter(n -> n.op() instanceof org.cbinfer.kernels.graph.ops.Conv2d
                        || n.op() instanceof org.cbinfer.kernels.graph.ops.ConvTranspose2d)
                .map(org.cbinfer.kernels.graph.Node::name).toList();
    }

    /**
     * A threshold for a layer the model does not have would be silently ignored: refuse it instead. Every
     * backend checks its thresholds this way against its optimized graph.
     *
     * @throws IllegalArgumentException naming the unknown layer and listing the valid ones
     */
    public static void checkLayerNames(Graph optimized, Thresholds thresholds) {
        checkLayerNames(optimized, thresholds.layers().keySet(), "thresholds");
    }

    /** The same check for any per-layer setting ({@code what} names it in the message). */
    public static void checkLayerNames(Graph optimized, java.util.Collection<String> names, String what) {
        java.util.List<String> layers = changeBasedLayers(optimized);
        for (String name : names) {
            if (!layers.contains(name)) {
                throw new IllegalArgumentException(what + " name layer '" + name + "', which is not a change-based layer"
                        + " of this model (names are those after fusing activations into convolutions, as 'inspect' prints"
                        + " them); the layers are " + layers);
            }
        }
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public DenseFallback fallback() {
        return fallback;
    }

    public StreamState newState() {
        return new StreamState();
    }

    /**
     * Rebuilds a stream's state from a snapshot: inputs and committed inputs are loaded, every other
     * value recomputed densely with the same kernels. The next frame continues the stream exactly as if
     * it had never stopped.
     *
     * @throws IllegalArgumentException if the snapshot does not fit this model
     */
    public StreamState restore(StateSnapshot snapshot) {
        CpuPlan plan = plans.plan(snapshot.inputShapes());
        StreamState st = new StreamState();
        st.reset(plan);
        if (snapshot.lastInputs().size() != plan.inputSlots().length) {
            throw new IllegalArgumentException("snapshot has " + snapshot.lastInputs().size() + " inputs, the model "
                    + plan.inputSlots().length);
        }
        for (int i = 0; i < plan.inputSlots().length; i++) {
            copyChecked(snapshot.lastInputs().get(i), st.values[plan.inputSlots()[i]], "input " + i);
        }
        int c = 0;
        for (int i = 0; i < plan.steps().size(); i++) {
            CpuPlan.Step step = plan.steps().get(i);
            float[][] inputs = new float[step.inputSlots().length][];
            for (int k = 0; k < inputs.length; k++) inputs[k] = st.values[step.inputSlots()[k]];
            if (st.committed[i] != null) {
                if (c >= snapshot.committed().size()) throw new IllegalArgumentException("snapshot has too few committed inputs");
                st.modes[i] = snapshot.layerMode(c);
                copyChecked(snapshot.committed().get(c++), st.committed[i], step.node().name());
                inputs = new float[][] {st.committed[i]};
            }
            step.kernel().compute(inputs, st.values[step.outputSlot()], null, 0);
        }
        if (c != snapshot.committed().size()) throw new IllegalArgumentException("snapshot has too many committed inputs");
        st.restored(snapshot.frames());
        return st;
    }

    private static void copyChecked(float[] from, float[] to, String what) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("snapshot " + what + " has " + from.length + " values, expected " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /** Processes one frame of a stream; the state moves on to it. */
    public FrameResult process(StreamState state, Map<String, Tensor> inputs) {
        long start = System.nanoTime();
        CpuPlan plan = plans.plan(CpuPlan.shapesOf(graph, inputs));
        if (state.plan() != plan) {
            state.reset(plan);
        }
        boolean keyframe = state.keyframePending();
        for (int i = 0; i < plan.inputSlots().length; i++) {
            loadInput(state, plan.inputSlots()[i], inputs.get(graph.inputs().get(i).name()).data(), keyframe);
        }
        for (String c : graph.constants().keySet()) state.counts[plan.slot(c)] = 0;

        List<LayerStats> layers = new ArrayList<>(plan.steps().size());
        for (int i = 0; i < plan.steps().size(); i++) {
            layers.add(run(state, i, plan.steps().get(i), keyframe));
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (int i = 0; i < plan.outputSlots().length; i++) {
            int s = plan.outputSlots()[i];
            outputs.put(graph.outputs().get(i), Tensor.of(plan.slotShape(s), state.values[s].clone()));
        }
        FrameStats stats = new FrameStats(state.frames(), keyframe, layers, System.nanoTime() - start, 0);
        state.frameDone();
        return new FrameResult(outputs, stats);
    }

    public FrameResult process(StreamState state, Tensor input) {
        return process(state, Map.of(graph.inputs().get(0).name(), input));
    }

    /** Copies a graph input into the state, marking the positions whose value differs from the last frame. */
    private static void loadInput(StreamState st, int slot, float[] frame, boolean keyframe) {
        float[] last = st.values[slot];
        byte[] mask = st.masks[slot];
        int plane = mask.length, channels = frame.length / plane, n = 0;
        for (int p = 0; p < plane; p++) {
            boolean changed = keyframe;
            for (int c = 0; c < channels && !changed; c++) changed = frame[c * plane + p] != last[c * plane + p];
            mask[p] = (byte) (changed ? 1 : 0);
            if (changed) n++;
        }
        System.arraycopy(frame, 0, last, 0, frame.length);
        st.counts[slot] = n;
    }

    private LayerStats run(StreamState st, int index, CpuPlan.Step step, boolean keyframe) {
        long t0 = System.nanoTime();
        int out = step.outputSlot();
        int outPlane = st.masks[out].length;
        int[] ins = step.inputSlots();
        float[][] inputs = new float[ins.length][];
        boolean anyChanged = keyframe;
        for (int i = 0; i < ins.length; i++) {
            inputs[i] = st.values[ins[i]];
            anyChanged |= st.counts[ins[i]] > 0;
        }
        Kernel kernel = step.kernel();
        LayerMode mode = keyframe ? LayerMode.REKEY : st.modes[index];
        double changedFraction;
        int updated;
        long macs;
        if (kernel.rule() == Kernel.Rule.DETECT && mode.whole()) {
            // a layer keyframe: every output from the whole current input, committed (REKEY) or not (DENSE)
            if (mode == LayerMode.REKEY) System.arraycopy(inputs[0], 0, st.committed[index], 0, inputs[0].length);
            updated = fillAll(st.masks[out]);
            kernel.compute(new float[][] {inputs[0]}, st.values[out], null, 0);
            changedFraction = 1;
            macs = step.denseMacs();
        } else if (!anyChanged) {
            st.counts[out] = 0;
            Arrays.fill(st.masks[out], (byte) 0);
            changedFraction = 0;
            updated = 0;
            macs = 0;
        } else if (kernel.rule() == Kernel.Rule.DETECT) {
            float[] committed = st.committed[index];
            byte[] detected = st.detected[index];
            int count = detectAndCommit(st, ins[0], committed, detected, thresholds.of(step.node().name()));
            changedFraction = count / (double) detected.length;
            updated = kernel.dilate(detected, st.masks[out]);
            computeAt(st, kernel, new float[][] {committed}, out, updated, false);
            macs = step.denseMacs() * updated / outPlane;
        } else if (kernel.rule() == Kernel.Rule.DENSE) {
            float[] fresh = new float[st.values[out].length];
            kernel.compute(inputs, fresh, null, 0);
            updated = keyframe ? fillAll(st.masks[out]) : diff(st.values[out], fresh, st.masks[out]);
            st.values[out] = fresh;
            changedFraction = updated / (double) outPlane;
            macs = step.denseMacs();
        } else {
            if (keyframe) {
                updated = fillAll(st.masks[out]);
            } else if (kernel.rule() == Kernel.Rule.WINDOW) {
                updated = kernel.dilate(st.masks[ins[0]], st.masks[out]);
            } else {
                updated = unite(st, ins, out);
            }
            computeAt(st, kernel, inputs, out, updated, keyframe);
            changedFraction = updated / (double) outPlane;
            macs = step.denseMacs() * updated / outPlane;
        }
        st.counts[out] = updated;
        if (kernel.rule() == Kernel.Rule.DETECT) {
            st.modes[index] = fallback.next(mode, updated / (double) outPlane, step.node().name(), st.frames() + 1);
        }
        return new LayerStats(step.node().name(), step.node().op().type(), changedFraction,
                updated / (double) outPlane, macs, step.denseMacs(), System.nanoTime() - t0, mode);
    }

    /** Runs a kernel at the marked output positions (everything on a keyframe). */
    private static void computeAt(StreamState st, Kernel kernel, float[][] inputs, int out, int count, boolean all) {
        byte[] mask = st.masks[out];
        if (all || count == mask.length) {
            kernel.compute(inputs, st.values[out], null, 0);
            return;
        }
        if (count == 0) return;
        int[] pos = st.positions[out];
        for (int p = 0, k = 0; k < count; p++) {
            if (mask[p] != 0) pos[k++] = p;
        }
        kernel.compute(inputs, st.values[out], pos, count);
    }

    /**
     * Change detection and commit for one convolution: among the positions where its input may have
     * changed, those whose largest channel difference from the committed input exceeds the threshold
     * (NaN counts as changed) are committed and marked in {@code detected}.
     */
    private int detectAndCommit(StreamState st, int inSlot, float[] committed, byte[] detected, float threshold) {
        float[] x = st.values[inSlot];
        byte[] mask = st.masks[inSlot];
        int plane = mask.length, channels = x.length / plane;
        int candidates = st.counts[inSlot], count = 0;
        Arrays.fill(detected, (byte) 0);
        for (int p = 0, seen = 0; seen < candidates; p++) {
            if (mask[p] == 0) continue;
            seen++;
            float d = 0f;
            for (int c = 0, k = p; c < channels; c++, k += plane) {
                float diff = Math.abs(x[k] - committed[k]);
                if (!(diff <= d)) d = diff; // keeps NaN
            }
            boolean changed = !(d <= threshold);
            if (changed || !recursive) {
                for (int c = 0, k = p; c < channels; c++, k += plane) committed[k] = x[k];
            }
            if (changed) {
                count++;
                detected[p] = 1;
            }
        }
        return count;
    }


    private static int fillAll(byte[] mask) {
        Arrays.fill(mask, (byte) 1);
        return mask.length;
    }

    /** Union of the inputs' masks; an input broadcast over positions changes every position. */
    private static int unite(StreamState st, int[] ins, int out) {
        byte[] mask = st.masks[out];
        Arrays.fill(mask, (byte) 0);
        for (int in : ins) {
            if (st.counts[in] == 0) continue;
            if (st.masks[in].length != mask.length) return fillAll(mask);
            byte[] m = st.masks[in];
            for (int p = 0; p < mask.length; p++) mask[p] |= m[p];
        }
        int n = 0;
        for (byte b : mask) n += b;
        return n;
    }

    /** Marks positions where any channel differs between two values of a node output. */
    private static int diff(float[] before, float[] after, byte[] mask) {
        int plane = mask.length, channels = after.length / plane, n = 0;
        for (int p = 0; p < plane; p++) {
            boolean changed = false;
            for (int c = 0; c < channels && !changed; c++) {
                changed = Float.floatToIntBits(before[c * plane + p]) != Float.floatToIntBits(after[c * plane + p]);
            }
            mask[p] = (byte) (changed ? 1 : 0);
            if (changed) n++;
        }
        return n;
    }
}
