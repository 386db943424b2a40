package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetCount;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cuInit;

import java.io.IOException;
import java.io.InputStream;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Process-wide CUDA facts: whether NVIDIA's libraries, a GPU and the project's kernels are present, and the checks
 * every call goes through. One binding, JavaCPP's CUDA presets, serves the driver API (our kernels: module, launches,
 * streams, graphs), cuDNN and cuBLASLt, so all of them share one context, one stream and one memory pool. The
 * machine provides the libraries (CUDA 13: libcuda.so.1, libcudart.so.13, libcublas(Lt).so.13; cuDNN 9:
 * libcudnn.so.9); when one is missing, {@link #unavailableReason()} names it and where it was looked for.
 */
public final class Cuda {
    /** Class-path resource holding the kernels, built by {@code kernels/src/main/cuda/build.sh}. */
    static final String FATBIN = "/org/cbinfer/kernels/cuda/cbinfer.fatbin";

    private static volatile String unavailable;
    private static volatile boolean probed;
    private static byte[] fatbin;

    private Cuda() {}

    /** Throws {@link CudaException} naming the call unless the driver API returned success. */
    static void check(int result, String call) {
        if (result != CUDA_SUCCESS) throw new CudaException(call + " failed with " + driverError(result));
    }

    /** Throws {@link CudaException} naming the call unless the runtime API returned cudaSuccess. */
    static void checkRuntime(int result, String call) {
        if (result != cudart.cudaSuccess) {
            throw new CudaException(call + " failed with " + cudart.cudaGetErrorName(result).getString() + ": "
                    + cudart.cudaGetErrorString(result).getString());
        }
    }

    /** Throws {@link CudaException} naming the call unless cuDNN returned success. */
    static void checkCudnn(int status, String call) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(call + " failed with " + cudnn.cudnnGetErrorString(status).getString());
        }
    }

    /** Throws {@link CudaException} naming the call unless cuBLAS(Lt) returned success. */
    static void checkCublas(int status, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed with cuBLAS status " + status + " ("
                    + cublas.cublasGetStatusName(status).getString() + ")");
        }
    }

    private static String driverError(int result) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1); PointerPointer<BytePointer> text = new PointerPointer<>(1)) {
            String n = cuGetErrorName(result, name) == CUDA_SUCCESS && name.get(0) != null
                    ? name.get(BytePointer.class, 0).getString() : "CUresult " + result;
            String t = cuGetErrorString(result, text) == CUDA_SUCCESS && text.get(0) != null
                    ? ": " + text.get(BytePointer.class, 0).getString() : "";
            return n + t;
        }
    }

    /** True when a CUDA backend can be opened: kernels built, NVIDIA's libraries loaded, at least one GPU. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why no CUDA backend can be opened, or null when one can. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            unavailable = probe();
            probed = true;
        }
        return unavailable;
    }

    private static String probe() {
        if (Cuda.class.getResource(FATBIN) == null) {
            return "the CUDA kernels were not built (nvcc was not on the PATH when this build ran; see README)";
        }
        String missing = NativeLibraries.load(cudart.class, "the CUDA driver and runtime (libcuda.so.1, libcudart.so.13)");
        if (missing != null) return missing;
        int rc = cuInit(0);
        if (rc != CUDA_SUCCESS) return "no usable CUDA driver: cuInit returned " + driverError(rc);
        int[] count = new int[1];
        rc = cuDeviceGetCount(count);
        if (rc != CUDA_SUCCESS) return "cuDeviceGetCount returned " + driverError(rc);
        if (count[0] == 0) return "no CUDA device present";
        missing = NativeLibraries.load(cudnn.class, "cuDNN 9 (libcudnn.so.9)");
        if (missing != null) return missing;
        return NativeLibraries.load(cublas.class, "cuBLAS 13 (libcublas.so.13, libcublasLt.so.13)");
    }

    /** Number of CUDA devices (0 when CUDA is unavailable). */
    public static int deviceCount() {
        if (!available()) return 0;
        int[] count = new int[1];
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    /** Throws with the reason when CUDA cannot be used. */
    static void requireAvailable() {
        String why = unavailableReason();
        if (why != null) throw new CudaException("CUDA backend unavailable: " + why);
    }

    static synchronized byte[] fatbin() {
        if (fatbin == null) {
            try (InputStream in = Cuda.class.getResourceAsStream(FATBIN)) {
                if (in == null) throw new CudaException("CUDA kernels not built: resource " + FATBIN + " missing");
                fatbin = in.readAllBytes();
            } catch (IOException e) {
                throw new CudaException("cannot read " + FATBIN, e);
            }
        }
        return fatbin;
    }
}
