package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoHAsync;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoDAsync;
import static org.bytedeco.cuda.global.cudart.cuStreamSynchronize;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.cbinfer.kernels.backend.Precision;

/**
 * Synchronous copies between host arrays (fp32, NCHW) and single device buffers in the backend's element type
 * and layout: constants and weights at plan time, state snapshots and restores. Not for the per-frame path,
 * which {@link BatchRunner} stages in pinned memory.
 *
 * <p>Every copy goes on the backend's stream and is waited for there. A plain {@code cuMemcpyHtoD} would run on
 * the legacy default stream, which the backend's non-blocking stream does not wait for, and from pageable memory
 * it may return before the data has landed: a kernel converting freshly copied weights to fp16 then read part of
 * them before they arrived (wrong cuDNN weights at random, seen on the H200 on 2026-12-04).
 */
final class Transfers implements AutoCloseable {
    private final Launcher launcher;
    private final DeviceMemoryPool pool;
    private final Precision precision;
    /** [value table: 1 address][mask table: 1 address][keyframe flag][counter]. */
    private final DeviceBuffer control;
    private final PinnedBuffer controlHost;
    private DeviceBuffer mask;
    private DeviceBuffer stage;
    private PinnedBuffer stageHost;
    private long stageValues;
    private long maskBytes;

    Transfers(Launcher launcher, DeviceMemoryPool pool, Precision precision) {
        this.launcher = launcher;
        this.pool = pool;
        this.precision = precision;
        this.control = pool.allocate(32);
        this.controlHost = new PinnedBuffer(32);
    }

    int elementBytes() {
        return precision == Precision.FP16 ? 2 : 4;
    }

    /** A new device buffer holding fp32 values as they are (weights, biases). */
    DeviceBuffer floats(float[] data) {
        DeviceBuffer b = pool.allocate(4L * data.length);
        try (FloatPointer host = new FloatPointer(data)) {
            copyIn(b.address(), host, 4L * data.length);
        }
        return b;
    }

    DeviceBuffer ints(int[] data) {
        DeviceBuffer b = pool.allocate(4L * data.length);
        try (IntPointer host = new IntPointer(data)) {
            copyIn(b.address(), host, 4L * data.length);
        }
        return b;
    }

    /** A new device buffer holding {@code data} in the element type (fp16 conversion on the device). */
    DeviceBuffer elements(float[] data) {
        DeviceBuffer f = floats(data);
        if (precision != Precision.FP16) return f;
        DeviceBuffer h = pool.allocate(2L * data.length);
        launcher.launch(Kernels.TO_HALF, launcher.blocksFor(data.length, 8), 1, Launcher.BLOCK,
                new Kernels.ToHalf(f.address(), h.address(), data.length));
        sync();
        pool.release(f);
        return h;
    }

    /** Writes NCHW fp32 values into a device value buffer of the given layout (NHWC, element type). */
    void upload(float[] nchw, DeviceBuffer target, SlotLayout layout) {
        if (nchw.length != layout.size()) {
            throw new IllegalArgumentException(nchw.length + " values for a buffer of " + layout.size());
        }
        ensureStage(layout);
        stageHost.view().asFloatBuffer().put(0, nchw, 0, nchw.length);
        check(cuMemcpyHtoDAsync(stage.address(), stageHost.pointer(), 4L * nchw.length, launcher.stream()), "cuMemcpyHtoDAsync");
        fillControl(target);
        launcher.launch(Kernels.LOAD_INPUT, Launcher.blocks(layout.plane()), 1, Launcher.BLOCK, new Kernels.LoadInput(
                stage.address(), control.address(0), control.address(8), control.address(16), control.address(20),
                Launcher.NULL, layout.channels(), layout.plane()));
        sync();
    }

    /** Reads a device value buffer of the given layout back as NCHW fp32. */
    float[] download(DeviceBuffer source, SlotLayout layout) {
        ensureStage(layout);
        fillControl(source);
        launcher.launch(Kernels.STORE_OUTPUT, launcher.blocksFor(layout.size(), 4), 1, Launcher.BLOCK,
                new Kernels.StoreOutput(control.address(0), stage.address(), layout.channels(), layout.plane()));
        check(cuMemcpyDtoHAsync(stageHost.pointer(), stage.address(), 4L * layout.size(), launcher.stream()),
                "cuMemcpyDtoHAsync");
        sync();
        float[] out = new float[(int) layout.size()];
        FloatBuffer f = stageHost.view().asFloatBuffer();
        f.get(0, out, 0, out.length);
        return out;
    }

    private void fillControl(DeviceBuffer value) {
        var b = controlHost.view();
        b.putLong(0, value.address());
        b.putLong(8, mask.address());
        b.putInt(16, 1);
        b.putInt(20, 0);
        check(cuMemcpyHtoDAsync(control.address(), controlHost.pointer(), 24, launcher.stream()), "cuMemcpyHtoDAsync");
    }

    private void ensureStage(SlotLayout layout) {
        if (stageValues >= layout.size() && maskBytes >= layout.plane()) return;
        pool.release(stage);
        pool.release(mask);
        if (stageHost != null) stageHost.close();
        stageValues = Math.max(stageValues, layout.size());
        maskBytes = Math.max(maskBytes, layout.plane());
        stage = pool.allocate(4L * stageValues);
        stageHost = new PinnedBuffer(4L * stageValues);
        mask = pool.allocate(maskBytes);
    }

    /** Copies host bytes to the device on the backend's stream and waits for them (the host memory may go next). */
    private void copyIn(long device, Pointer host, long bytes) {
        check(cuMemcpyHtoDAsync(device, host, bytes, launcher.stream()), "cuMemcpyHtoDAsync");
        sync();
    }

    private void sync() {
        check(cuStreamSynchronize(launcher.stream()), "cuStreamSynchronize");
    }

    @Override
    public void close() {
        pool.release(control);
        pool.release(stage);
        pool.release(mask);
        controlHost.close();
        if (stageHost != null) stageHost.close();
    }
}
