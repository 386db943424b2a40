package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemsetD8Async;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUstream_st;

/**
 * Device memory of one backend, recycled by size: buffers released by a stream (a camera evicted, a stream
 * closed) go back to a free list and serve the next request of the same size, which is the common case since
 * all streams of a model and input size ask for the same buffers. Nothing is allocated per frame: buffers are
 * taken when a stream, plan or batch shape first appears. Library workspaces (cuDNN, cuBLASLt) come from here
 * too. Not thread-safe (one backend, one thread).
 *
 * <p>Zeroing goes on the backend's stream, so that the kernels after it see zeros: the legacy default stream's
 * memset is not ordered with the backend's non-blocking stream.
 */
final class DeviceMemoryPool implements AutoCloseable {
    private static final long ALIGN = 256;

    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final List<Long> owned = new ArrayList<>();
    private long reservedBytes;
    private long inUseBytes;
    private final CUstream_st stream;

    /** A pool whose zeroed buffers are zeroed on {@code stream}. */
    DeviceMemoryPool(CUstream_st stream) {
        this.stream = stream;
    }

    /** A buffer of at least {@code bytes} (rounded up to 256), contents undefined. */
    DeviceBuffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        long size = Math.max(ALIGN, (bytes + ALIGN - 1) / ALIGN * ALIGN);
        ArrayDeque<Long> list = free.get(size);
        Long address = list == null ? null : list.poll();
        if (address == null) {
            long[] ptr = new long[1];
            check(cuMemAlloc(ptr, size), "cuMemAlloc(" + size + " bytes)");
            address = ptr[0];
            owned.add(address);
            reservedBytes += size;
        }
        inUseBytes += size;
        return new DeviceBuffer(address, size);
    }

    /** A buffer filled with zero bytes. */
    DeviceBuffer allocateZeroed(long bytes) {
        DeviceBuffer b = allocate(bytes);
        check(cuMemsetD8Async(b.address(), (byte) 0, b.bytes(), stream), "cuMemsetD8Async");
        return b;
    }

    void release(DeviceBuffer b) {
        if (b == null) return;
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.address());
        inUseBytes -= b.bytes();
    }

    /** Bytes taken from the device (in use or on a free list). */
    long reservedBytes() {
        return reservedBytes;
    }

    long inUseBytes() {
        return inUseBytes;
    }

    @Override
    public void close() {
        for (long p : owned) cuMemFree(p);
        owned.clear();
        free.clear();
        reservedBytes = 0;
        inUseBytes = 0;
    }
}
