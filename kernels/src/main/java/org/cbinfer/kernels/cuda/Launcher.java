package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.Cuda.check;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Launches the project's kernels on one CUDA stream. Arguments are {@code Integer}, {@code Long} (also device
 * addresses: a pointer parameter is a 64-bit value; {@link #NULL} for a null pointer) and {@code Float}, in the
 * kernel's order.
 */
final class Launcher {
    /** A null device pointer argument. */
    static final Long NULL = 0L;
    static final int BLOCK = 256;

    private final CudaDevice device;
    private final CUstream stream;

    Launcher(CudaDevice device, CUstream stream) {
        this.device = device;
        this.stream = stream;
    }

    CUstream stream() {
        return stream;
    }

    CudaDevice device() {
        return device;
    }

    void launch(String kernel, int gridX, int gridY, int block, Object... args) {
        launchShared(kernel, gridX, gridY, block, 0, args);
    }

    /** A launch with {@code sharedBytes} of dynamic shared memory per block. */
    void launchShared(String kernel, int gridX, int gridY, int block, int sharedBytes, Object... args) {
        CUfunction f = device.function(kernel, sharedBytes);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) params[i] = param(kernel, i, args[i]);
        check(JCudaDriver.cuLaunchKernel(f, Math.max(1, gridX), Math.max(1, gridY), 1, block, 1, 1, sharedBytes, stream,
                Pointer.to(params), null), "cuLaunchKernel(" + kernel + ")");
    }

    /** Blocks for {@code work} items, at most {@code perSm} blocks per multiprocessor (kernels loop over the rest). */
    int blocksFor(long work, int perSm) {
        long blocks = (work + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) perSm * device.multiprocessors()));
    }

    private static Pointer param(String kernel, int i, Object a) {
        if (a instanceof Integer v) return Pointer.to(new int[] {v});
        if (a instanceof Long v) return Pointer.to(new long[] {v});
        if (a instanceof Float v) return Pointer.to(new float[] {v});
        throw new IllegalArgumentException("argument " + i + " of " + kernel + " has unsupported type " + a);
    }
}
