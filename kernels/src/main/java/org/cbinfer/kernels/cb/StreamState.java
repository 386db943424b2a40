package org.cbinfer.kernels.cb;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * Everything a change-based pass remembers about one stream (camera): the last value of every node
 * output and of every graph input, and the committed input of every change-based convolution.
 * A state belongs to one plan (input size); a frame of another size resets it. Not thread-safe:
 * one stream's frames are processed in order.
 */
public final class StreamState {
    private CpuPlan plan;
    /** Per value slot: the current value (graph inputs: the last frame; nodes: the last output). */
    float[][] values;
    /** Per plan step: the committed input of a change-based convolution, else null. */
    float[][] committed;
    /** Per plan step: the {@link LayerMode} of a change-based convolution's next frame. */
    LayerMode[] modes;
    private long frames;
    private boolean keyframeRequested = true;

    // Scratch reused between frames (not part of the logical state).
    byte[][] masks;
    int[] counts;
    int[][] positions;
    byte[][] detected;

    public CpuPlan plan() {
        return plan;
    }

    /** Frames processed since the state was created. */
    public long frames() {
        return frames;
    }

    /** Makes the next frame a keyframe (full dense pass, state re-initialised). */
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    public boolean keyframePending() {
        return keyframeRequested || plan == null;
    }

    /** Bytes of float data held (outputs, inputs and committed inputs). */
    public long bytes() {
        long n = 0;
        if (values != null) for (float[] v : values) n += v == null ? 0 : v.length;
        if (committed != null) for (float[] v : committed) n += v == null ? 0 : v.length;
        return 4 * n;
    }

    /** The committed input of the change-based convolution at a plan step (null for other steps). */
    public float[] committedInput(int step) {
        return committed == null ? null : committed[step];
    }

    /** The last value of a slot of the plan. */
    public float[] value(int slot) {
        return values == null ? null : values[slot];
    }

    /** Binds the state to a plan and fills every buffer so that the next frame is a keyframe. */
    void reset(CpuPlan p) {
        plan = p;
        int n = p.slotCount();
        values = new float[n][];
        masks = new byte[n][];
        counts = new int[n];
        positions = new int[n][];
        for (int s = 0; s < n; s++) {
            int[] shape = p.slotShape(s);
            values[s] = new float[Shapes.size(shape)];
            int plane = planeOf(shape);
            masks[s] = new byte[plane];
            positions[s] = new int[plane];
        }
        p.loadConstants(values);
        committed = new float[p.steps().size()][];
        detected = new byte[p.steps().size()][];
        modes = new LayerMode[p.steps().size()];
        Arrays.fill(modes, LayerMode.CHANGE_BASED);
        for (int i = 0; i < committed.length; i++) {
            CpuPlan.Step step = p.steps().get(i);
            if (step.kernel().rule() == org.cbinfer.kernels.cpu.Kernel.Rule.DETECT) {
                committed[i] = new float[Shapes.size(step.inputShapes()[0])];
                detected[i] = new byte[planeOf(step.inputShapes()[0])];
            }
        }
        keyframeRequested = true;
    }

    /**
     * The persistent part of this state; null before the first frame. Copies nothing: the arrays are live. A
     * layer in {@link LayerMode#DENSE} mode contributes its current input as its committed input.
     */
    public StateSnapshot snapshot() {
        if (plan == null || frames == 0) return null;
        java.util.List<float[]> inputs = new java.util.ArrayList<>();
        for (int slot : plan.inputSlots()) inputs.add(values[slot]);
        java.util.List<float[]> c = new java.util.ArrayList<>();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        for (int i = 0; i < committed.length; i++) {
            if (committed[i] == null) continue;
            c.add(modes[i] == LayerMode.DENSE ? values[plan.steps().get(i).inputSlots()[0]] : committed[i]);
            m.write(modes[i].ordinal());
        }
        return new StateSnapshot(plan.inputShapes(), frames, inputs, c, m.toByteArray());
    }

    /** The mode of the next frame of the change-based convolution at a plan step. */
    public LayerMode layerMode(int step) {
        return modes == null || modes[step] == null ? LayerMode.CHANGE_BASED : modes[step];
    }

    void restored(long frameCount) {
        frames = frameCount;
        keyframeRequested = false;
    }

    void frameDone() {
        frames++;
        keyframeRequested = false;
    }

    /** Positions a change mask is kept at: H*W for images, a single flag for anything else. */
    static int planeOf(int[] shape) {
        return Shapes.isImage(shape) ? shape[2] * shape[3] : 1;
    }
}
