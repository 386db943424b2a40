package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_CROSS_CORRELATION;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_HALF;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NHWC;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionForward;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionForwardAlgorithmEx;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolution2dForwardOutputDim;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolution2dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionGroupCount;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionMathType;
import static org.bytedeco.cuda.global.cudnn.cudnnSetFilter4dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;
import static org.bytedeco.cuda.global.cudnn.cudnnSetTensor4dDescriptor;
import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemGetInfo;
import static org.cbinfer.kernels.cuda.Cuda.check;
import static org.cbinfer.kernels.cuda.Cuda.checkCudnn;

import java.util.List;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.graph.ops.Window;

/**
 * A convolution computed densely by cuDNN over a batch of cameras whose input and output values lie back to back
 * (NHWC, N = cameras): the dense passes of a plan ({@link BatchRunner.Mode#DENSE}). fp32 runs with FMA math (no
 * TF32), TF32 and fp16 on the tensor cores. The algorithm is found once per geometry and backend
 * (cudnnFindConvolutionForwardAlgorithmEx on the first runner's buffers) and its workspace taken from the backend's pool; the call is then captured in the
 * frame's CUDA graph. cuDNN computes the convolution alone: bias and activation follow in one pass of ours.
 */
final class DenseConvolution implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DenseConvolution.class.getName());
    private final Libraries libraries;
    private final DeviceMemoryPool pool;
    private final cudnnTensorStruct input = new cudnnTensorStruct();
    private final cudnnTensorStruct output = new cudnnTensorStruct();
    private final cudnnFilterStruct filter = new cudnnFilterStruct();
    private final cudnnConvolutionStruct convolution = new cudnnConvolutionStruct();
    private static final long MAX_WORKSPACE = 4L << 30;
    private final Geometry geometry;
    private final int algorithm;
    private final DeviceBuffer workspace;

    /** Whether cuDNN computes this geometry as ours does: the same output size with the leading padding on both sides. */
    static boolean supports(Window w, int[] in, int[] out) {
        int[] py = w.pads(0, in[2]), px = w.pads(1, in[3]);
        int effH = (w.kernelH() - 1) * w.dilationH() + 1, effW = (w.kernelW() - 1) * w.dilationW() + 1;
        return (in[2] + 2 * py[0] - effH) / w.strideH() + 1 == out[2] && (in[3] + 2 * px[0] - effW) / w.strideW() + 1 == out[3]
                && in[2] + 2 * py[0] >= effH && in[3] + 2 * px[0] >= effW;
    }

    /**
     * @param in the input shape of one camera [1, C, H, W]; {@code out} the output's
     * @param weights device address of the weights in the element type, [Cout][kh][kw][Cin / groups] (KRSC)
     * @param x, y device addresses of the batch's input and output values (for finding the algorithm)
     */
    DenseConvolution(Libraries libraries, DeviceMemoryPool pool, Precision precision, int cameras, Window w, int groups,
                     int[] in, int[] out, long weights, long x, long y, CUstream_st stream) {
        this.libraries = libraries;
        this.pool = pool;
        int type = precision == Precision.FP16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
        checkCudnn(cudnnCreateTensorDescriptor(input), "cudnnCreateTensorDescriptor");
        checkCudnn(cudnnCreateTensorDescriptor(output), "cudnnCreateTensorDescriptor");
        checkCudnn(cudnnCreateFilterDescriptor(filter), "cudnnCreateFilterDescriptor");
        checkCudnn(cudnnCreateConvolutionDescriptor(convolution), "cudnnCreateConvolutionDescriptor");
        checkCudnn(cudnnSetTensor4dDescriptor(input, CUDNN_TENSOR_NHWC, type, cameras, in[1], in[2], in[3]), "input descriptor");
        checkCudnn(cudnnSetTensor4dDescriptor(output, CUDNN_TENSOR_NHWC, type, cameras, out[1], out[2], out[3]),
                "output descriptor");
        checkCudnn(cudnnSetFilter4dDescriptor(filter, type, CUDNN_TENSOR_NHWC, out[1], in[1] / groups, w.kernelH(),
                w.kernelW()), "filter descriptor");
        checkCudnn(cudnnSetConvolution2dDescriptor(convolution, w.pads(0, in[2])[0], w.pads(1, in[3])[0], w.strideH(),
                w.strideW(), w.dilationH(), w.dilationW(), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT), "convolution descriptor");
        checkCudnn(cudnnSetConvolutionGroupCount(convolution, groups), "cudnnSetConvolutionGroupCount");
        int math = switch (precision) {
            case FP32 -> CUDNN_FMA_MATH;
            case TF32 -> CUDNN_DEFAULT_MATH;
            case FP16 -> CUDNN_TENSOR_OP_MATH;
        };
        checkCudnn(cudnnSetConvolutionMathType(convolution, math), "cudnnSetConvolutionMathType");
        int[] n = new int[1], c = new int[1], h = new int[1], wo = new int[1];
        checkCudnn(cudnnGetConvolution2dForwardOutputDim(convolution, input, filter, n, c, h, wo), "output dimensions");
        if (n[0] != cameras || c[0] != out[1] || h[0] != out[2] || wo[0] != out[3]) {
            throw new IllegalStateException("cuDNN computes a " + c[0] + "x" + h[0] + "x" + wo[0] + " output, the plan "
                    + out[1] + "x" + out[2] + "x" + out[3]);
        }
        this.geometry = new Geometry(precision, cameras, w, groups, List.of(in[1], in[2], in[3]), List.of(out[1], out[2], out[3]));
        Algorithm chosen = libraries.convolutionAlgorithms().get(geometry);
        if (chosen == null) {
            chosen = find(x, weights, y, stream);
            libraries.convolutionAlgorithms().put(geometry, chosen);
        }
        // the math the algorithm was timed with; fp32 keeps FMA math (no TF32 rounding)
        if (precision != Precision.FP32) {
            checkCudnn(cudnnSetConvolutionMathType(convolution, chosen.mathType()), "cudnnSetConvolutionMathType");
        }
        this.algorithm = chosen.id();
        this.workspace = pool.allocate(Math.max(chosen.workspaceBytes(), 256));
    }

    /** What fixes a convolution's algorithm within a backend: the same geometry gets the same algorithm, so the same bits. */
    record Geometry(Precision precision, int cameras, Window window, int groups, List<Integer> in, List<Integer> out) {
    }

    /** An algorithm cuDNN found for a geometry, with the math type it was timed with and the workspace it needs. */
    record Algorithm(int id, int mathType, long workspaceBytes) {
    }

    Geometry geometry() {
        return geometry;
    }

    /**
     * The fastest algorithm that succeeds, timed by cuDNN on the runner's buffers. Its workspace may take a quarter
     * of the free device memory (at most 4 GiB): at 32 cameras the one fast algorithm of a 7x7 layer needed 2 GiB
     * (H200, 2026-12-04) and the next one was 100x slower. The search's scratch is freed at once, not pooled.
     */
    private Algorithm find(long x, long weights, long y, CUstream_st stream) {
        long limit;
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cuMemGetInfo(free, total), "cuMemGetInfo");
            limit = Math.min(MAX_WORKSPACE, free.get() / 4) & ~255L;
        }
        long[] scratch = new long[1];
        check(cuMemAlloc(scratch, Math.max(limit, 256)), "cuMemAlloc(" + limit + " bytes of cuDNN search workspace)");
        int wanted = 8;
        try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(wanted); IntPointer found = new IntPointer(1)) {
            checkCudnn(cudnnSetStream(libraries.cudnn(), stream), "cudnnSetStream");
            checkCudnn(cudnnFindConvolutionForwardAlgorithmEx(libraries.cudnn(), input, Libraries.device(x), filter,
                    Libraries.device(weights), convolution, output, Libraries.device(y), wanted, found, perf,
                    Libraries.device(scratch[0]), limit), "cudnnFindConvolutionForwardAlgorithmEx");
            StringBuilder tried = new StringBuilder();
            Algorithm chosen = null;
            for (int i = 0; i < found.get(); i++) {
                perf.position(i);
                tried.append(String.format(" [algo %d status %d %.3f ms %d MiB math %d]", perf.algo(), perf.status(),
                        perf.time(), perf.memory() >> 20, perf.mathType()));
                if (chosen == null && perf.status() == CUDNN_STATUS_SUCCESS && perf.memory() <= limit) {
                    chosen = new Algorithm(perf.algo(), perf.mathType(), perf.memory());
                }
            }
            LOG.log(System.Logger.Level.DEBUG, "cuDNN for " + geometry + ":" + tried);
            if (chosen == null) throw new CudaException("cuDNN found no algorithm for a " + geometry.window() + " convolution of "
                    + geometry.in() + " to " + geometry.out() + " with " + (limit >> 20) + " MiB of workspace");
            return chosen;
        } finally {
            check(cuMemFree(scratch[0]), "cuMemFree");
        }
    }

    /** Enqueues y = conv(x) for the batch on {@code stream}. */
    void forward(long x, long weights, long y, CUstream_st stream) {
        checkCudnn(cudnnSetStream(libraries.cudnn(), stream), "cudnnSetStream");
        checkCudnn(cudnnConvolutionForward(libraries.cudnn(), libraries.one(), input, Libraries.device(x), filter,
                Libraries.device(weights), convolution, algorithm, Libraries.device(workspace.address()), workspace.bytes(),
                libraries.zero(), output, Libraries.device(y)), "cudnnConvolutionForward");
    }

    @Override
    public void close() {
        cudnnDestroyTensorDescriptor(input);
        cudnnDestroyTensorDescriptor(output);
        cudnnDestroyFilterDescriptor(filter);
        cudnnDestroyConvolutionDescriptor(convolution);
        pool.release(workspace);
    }
}
