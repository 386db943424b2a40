package org.cbinfer.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Process-wide CUDA facts: whether the driver, a GPU and the project's kernels are present, and the check
 * that every driver call goes through. Only the driver API is used (JCuda's cuBLAS/cuDNN bindings need
 * CUDA 12 libraries that CUDA 13 machines lack); its natives need only {@code libcuda.so.1}.
 */
public final class Cuda {
    /** Class-path resource holding the kernels, built by {@code kernels/src/main/cuda/build.sh}. */
    static final String FATBIN = "/org/cbinfer/kernels/cuda/cbinfer.fatbin";

    private static volatile String unavailable;
    private static volatile boolean probed;
    private static byte[] fatbin;

    private Cuda() {}

    /** Throws {@link CudaException} naming the call unless the driver returned success. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            String[] text = new String[1];
            String detail = "";
            try {
                if (JCudaDriver.cuGetErrorString(result, text) == CUresult.CUDA_SUCCESS && text[0] != null) {
                    detail = ": " + text[0];
                }
            } catch (Throwable ignored) {
                // the error name below still says what failed
            }
            throw new CudaException(call + " failed with " + CUresult.stringFor(result) + detail);
        }
    }

    /** True when a CUDA backend can be opened: kernels built, driver loaded, at least one GPU. */
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
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc != CUresult.CUDA_SUCCESS) return "no usable CUDA driver: cuInit returned " + CUresult.stringFor(rc);
            int[] count = new int[1];
            rc = JCudaDriver.cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS) return "cuDeviceGetCount returned " + CUresult.stringFor(rc);
            if (count[0] == 0) return "no CUDA device present";
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return "the CUDA driver library could not be loaded (" + e.getMessage() + ")";
        }
    }

    /** Number of CUDA devices (0 when CUDA is unavailable). */
    public static int deviceCount() {
        if (!available()) return 0;
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
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
