package org.cbinfer.kernels.cuda;

/** A CUDA driver call failed: names the call and the driver's error. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
