package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.Cuda.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Device memory of one backend, recycled by size: buffers released by a stream (a camera evicted, a stream
 * closed) go back to a free list and serve the next request of the same size, which is the common case since
 * all streams of a model and input size ask for the same buffers. Nothing is allocated per frame: buffers are
 * taken when a stream, plan or batch shape first appears. Not thread-safe (one backend, one thread).
 */
final class DeviceMemoryPool implements AutoCloseable {
    private static final long ALIGN = 256;

    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private final List<CUdeviceptr> owned = new ArrayList<>();
    private long reservedBytes;
    private long inUseBytes;

    /** A buffer of at least {@code bytes} (rounded up to 256), contents undefined. */
    DeviceBuffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        long size = Math.max(ALIGN, (bytes + ALIGN - 1) / ALIGN * ALIGN);
        ArrayDeque<CUdeviceptr> list = free.get(size);
        CUdeviceptr ptr = list == null ? null : list.poll();
        if (ptr == null) {
            ptr = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(ptr, size), "cuMemAlloc(" + size + " bytes)");
            owned.add(ptr);
            reservedBytes += size;
        }
        inUseBytes += size;
        return new DeviceBuffer(ptr, size, addressOf(ptr));
    }

    /** The device address behind a driver handle (kernels and pointer tables take raw addresses). */
    static long addressOf(CUdeviceptr ptr) {
        long[] address = new long[1];
        check(JCudaDriver.cuPointerGetAttribute(jcuda.Pointer.to(address),
                jcuda.driver.CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, ptr), "cuPointerGetAttribute");
        return address[0];
    }

    /** A buffer filled with zero bytes. */
    DeviceBuffer allocateZeroed(long bytes) {
        DeviceBuffer b = allocate(bytes);
        check(JCudaDriver.cuMemsetD8(b.ptr(), (byte) 0, b.bytes()), "cuMemsetD8");
        return b;
    }

    void release(DeviceBuffer b) {
        if (b == null) return;
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.ptr());
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
        for (CUdeviceptr p : owned) JCudaDriver.cuMemFree(p);
        owned.clear();
        free.clear();
        reservedBytes = 0;
        inUseBytes = 0;
    }
}
