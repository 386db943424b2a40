package org.cbinfer.kernels.cuda;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.cb.StateSnapshot;

/**
 * One camera's state on the GPU: every value and change mask of its plan, and each change-based convolution's
 * committed input and detection mask, in buffers of the backend's pool. Bound to a plan on its first frame (and
 * again, with a keyframe, when the frame size changes).
 */
final class CudaStream implements BackendStream {
    private final CudaBackend backend;
    private CudaPlan plan;
    private DeviceBuffer[] values;
    private DeviceBuffer[] masks;
    private DeviceBuffer[] committed;
    private DeviceBuffer[] detected;
    /** Per plan step: how a change-based convolution computes this stream's next frame. */
    private LayerMode[] modes;
    /** True when the value buffers are views into a {@link DenseBatch}'s arena, which owns them. */
    private boolean valueViews;
    /** Per plan step: whether the step's output mask marks every position (its last frame computed it whole). */
    private boolean[] wholeMasks;
    private long frames;
    private boolean keyframeRequested = true;
    private boolean closed;

    CudaStream(CudaBackend backend) {
        this.backend = backend;
    }

    CudaBackend backend() {
        return backend;
    }

    CudaPlan plan() {
        return plan;
    }

    /**
     * Binds a stream of a dense batch: its values are the given views (camera c's slice of each value of the batch),
     * it has masks of its own and no committed state (a dense pass detects nothing).
     */
    void bindViews(CudaPlan p, DeviceBuffer[] valueViews) {
        requireOpen();
        release();
        DeviceMemoryPool pool = p.pool();
        values = valueViews;
        masks = new DeviceBuffer[valueViews.length];
        for (int s = 0; s < valueViews.length; s++) {
            if (!p.slots()[s].constant()) masks[s] = pool.allocateZeroed(p.slots()[s].plane());
        }
        committed = new DeviceBuffer[p.steps().size()];
        detected = new DeviceBuffer[p.steps().size()];
        modes = new LayerMode[p.steps().size()];
        Arrays.fill(modes, LayerMode.CHANGE_BASED);
        wholeMasks = new boolean[p.steps().size()];
        this.valueViews = true;
        plan = p;
        keyframeRequested = true;
    }

    /** Allocates this stream's buffers for a plan (releasing those of the previous one); the next frame is a keyframe. */
    void bind(CudaPlan p) {
        requireOpen();
        release();
        DeviceMemoryPool pool = p.pool();
        int slots = p.slots().length;
        values = new DeviceBuffer[slots];
        masks = new DeviceBuffer[slots];
        for (int s = 0; s < slots; s++) {
            SlotLayout l = p.slots()[s];
            if (l.constant()) continue;
            values[s] = pool.allocateZeroed((long) p.elementBytes() * l.size());
            masks[s] = pool.allocateZeroed(l.plane());
        }
        committed = new DeviceBuffer[p.steps().size()];
        detected = new DeviceBuffer[p.steps().size()];
        for (CudaStep step : p.steps()) {
            if (!step.detects()) continue;
            SlotLayout in = p.slots()[step.inSlot(0)];
            committed[step.index] = pool.allocateZeroed((long) p.elementBytes() * in.size());
            detected[step.index] = pool.allocateZeroed(in.plane());
        }
        modes = new LayerMode[p.steps().size()];
        Arrays.fill(modes, LayerMode.CHANGE_BASED);
        wholeMasks = new boolean[p.steps().size()];
        valueViews = false;
        plan = p;
        keyframeRequested = true;
    }

    LayerMode layerMode(int step) {
        return modes[step];
    }

    void layerMode(int step, LayerMode mode) {
        modes[step] = mode;
    }

    boolean outputMaskWhole(int step) {
        return wholeMasks[step];
    }

    void outputMaskWhole(int step, boolean whole) {
        wholeMasks[step] = whole;
    }

    DeviceBuffer value(int slot) {
        return values[slot];
    }

    DeviceBuffer mask(int slot) {
        return masks[slot];
    }

    DeviceBuffer committed(int step) {
        return committed[step];
    }

    DeviceBuffer detected(int step) {
        return detected[step];
    }

    void frameDone() {
        frames++;
        keyframeRequested = false;
    }

    void restored(long frameCount) {
        frames = frameCount;
        keyframeRequested = false;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    @Override
    public boolean keyframePending() {
        return keyframeRequested || plan == null;
    }

    @Override
    public StateSnapshot snapshot() {
        requireOpen();
        if (plan == null || frames == 0) return null;
        List<float[]> inputs = new ArrayList<>();
        for (int slot : plan.inputSlots()) inputs.add(backend.download(values[slot], plan.slots()[slot]));
        List<float[]> c = new ArrayList<>();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        for (CudaStep step : plan.steps()) {
            if (!step.detects()) continue;
            // a layer computing densely commits nothing: its current input stands for the committed one
            LayerMode mode = modes[step.index];
            DeviceBuffer held = mode == LayerMode.DENSE ? values[step.inSlot(0)] : committed[step.index];
            c.add(backend.download(held, plan.slots()[step.inSlot(0)]));
            m.write(mode.ordinal());
        }
        return new StateSnapshot(plan.cpu().inputShapes(), frames, inputs, c, m.toByteArray());
    }

    @Override
    public long bytes() {
        long n = 0;
        for (DeviceBuffer[] group : new DeviceBuffer[][] {values, masks, committed, detected}) {
            if (group == null) continue;
            for (DeviceBuffer b : group) n += b == null ? 0 : b.bytes();
        }
        return n;
    }

    void requireOpen() {
        if (closed) throw new IllegalStateException("stream closed");
    }

    private void release() {
        if (plan == null) return;
        DeviceMemoryPool pool = plan.pool();
        for (DeviceBuffer[] group : new DeviceBuffer[][] {valueViews ? null : values, masks, committed, detected}) {
            if (group == null) continue;
            for (DeviceBuffer b : group) pool.release(b);
        }
        values = masks = committed = detected = null;
        plan = null;
    }

    @Override
    public void close() {
        if (closed) return;
        backend.onDevice(this::release);
        closed = true;
    }
}
