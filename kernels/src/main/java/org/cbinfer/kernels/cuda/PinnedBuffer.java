package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.cuMemFreeHost;
import static org.bytedeco.cuda.global.cudart.cuMemHostAlloc;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory for staging frames and results: copies from it run at full PCIe speed and can be
 * asynchronous and captured in CUDA graphs (a graph's copy reads the buffer's current contents at replay).
 */
final class PinnedBuffer implements AutoCloseable {
    private final Pointer host = new Pointer();
    private final long bytes;
    private final ByteBuffer view;

    PinnedBuffer(long bytes) {
        this.bytes = Math.max(bytes, 16);
        check(cuMemHostAlloc(host, this.bytes, 0), "cuMemHostAlloc(" + this.bytes + " bytes)");
        this.view = new BytePointer(host).capacity(this.bytes).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    Pointer pointer() {
        return host;
    }

    /** A native-order view of the whole buffer (position 0; callers use absolute access or duplicate()). */
    ByteBuffer view() {
        return view;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        cuMemFreeHost(host);
    }
}
