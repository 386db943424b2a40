package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.Cuda.checkCublas;
import static org.cbinfer.kernels.cuda.Cuda.checkCudnn;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasLtContext;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One backend's handles of NVIDIA's libraries - cuDNN for dense convolutions, cuBLASLt for the change-based GEMM - in
 * the device's primary context, used on the backend's stream (or a graph body's capture stream) and never across
 * threads. Also the host scalars their calls take, and what was chosen with them for each convolution geometry: every
 * runner of a backend computes a geometry the same way, so a frame gives the same bits whichever runner takes it.
 */
final class Libraries implements AutoCloseable {
    private final cudnnContext cudnnHandle = new cudnnContext();
    private final cublasLtContext cublasLtHandle = new cublasLtContext();
    /** alpha = 1 and beta = 0 of the library calls (computing in fp32: float scalars). */
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private final Map<DenseConvolution.Geometry, DenseConvolution.Algorithm> convolutionAlgorithms = new HashMap<>();
    private final Map<DenseConvolution.Geometry, Boolean> cudnnFaster = new HashMap<>();

    Libraries() {
        checkCudnn(cudnn.cudnnCreate(cudnnHandle), "cudnnCreate");
        checkCublas(cublas.cublasLtCreate(cublasLtHandle), "cublasLtCreate");
    }

    cudnnContext cudnn() {
        return cudnnHandle;
    }

    cublasLtContext cublasLt() {
        return cublasLtHandle;
    }

    FloatPointer one() {
        return one;
    }

    FloatPointer zero() {
        return zero;
    }

    /** The cuDNN algorithm of each dense convolution geometry met so far. */
    Map<DenseConvolution.Geometry, DenseConvolution.Algorithm> convolutionAlgorithms() {
        return convolutionAlgorithms;
    }

    /** Whether cuDNN or our gather + cuBLASLt path computes a dense convolution geometry faster, where timed. */
    Map<DenseConvolution.Geometry, Boolean> cudnnFaster() {
        return cudnnFaster;
    }

    /** A JavaCPP pointer holding a device address, for library calls that take {@code void*} device arguments. */
    static Pointer device(long deviceAddress) {
        return new Pointer() {
            {
                address = deviceAddress;
            }
        };
    }

    @Override
    public void close() {
        cudnn.cudnnDestroy(cudnnHandle);
        cublas.cublasLtDestroy(cublasLtHandle);
        one.close();
        zero.close();
    }
}
