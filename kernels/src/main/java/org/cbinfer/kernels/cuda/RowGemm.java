package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLASLT_ALGO_CONFIG_SPLITK_NUM;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET;
import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F;
import static org.bytedeco.cuda.global.cublas.CUBLAS_COMPUTE_32F_FAST_TF32;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmul;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulAlgoCheck;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulAlgoConfigSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulAlgoGetHeuristic;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulDescDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatmulPreferenceSetAttribute;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutCreate;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutDestroy;
import static org.bytedeco.cuda.global.cublas.cublasLtMatrixLayoutSetAttribute;
import static org.bytedeco.cuda.global.cudart.CUDA_R_16F;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;
import static org.cbinfer.kernels.cuda.Cuda.checkCublas;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasLtMatmulAlgo_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulDescOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulHeuristicResult_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulPreferenceOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatrixLayoutOpaque_t;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.cbinfer.kernels.backend.Precision;

/**
 * The GEMM of one convolution layer's gathered rows through cuBLASLt: {@code products[M][outChannels]} (fp32) =
 * {@code gathered[M][groups][groupLength]} times the weights {@code [groups][groupLength][outChannels / groups]},
 * one batch entry per group. In cuBLASLt's column-major terms: D (groupOut x M) = W (groupOut x groupLength) times
 * A (groupLength x M), nothing transposed.
 *
 * <p>One algorithm per layer, chosen once, serves every row count, with split-K off: a row's products come from the
 * same instructions in the same order whatever the other rows multiplied with it, so a camera's results do not
 * depend on the batch it is in, and a restore (all rows at once) recomputes what the frames computed in pieces.
 */
final class RowGemm implements AutoCloseable {
    /** Workspace cuBLASLt may use per layer. */
    private static final long WORKSPACE_BYTES = 32L << 20;

    private final Libraries libraries;
    private final int groups;
    private final int groupLength;
    private final int groupOut;
    private final int outChannels;
    private final int elementType;
    private final long weights;
    private final cublasLtMatmulDescOpaque_t desc;
    private final cublasLtMatrixLayoutOpaque_t weightLayout;
    private final Map<Integer, cublasLtMatrixLayoutOpaque_t[]> rowLayouts = new HashMap<>();
    private final cublasLtMatmulAlgo_t algo = new cublasLtMatmulAlgo_t();
    private final DeviceBuffer workspace;
    private final DeviceMemoryPool pool;

    /**
     * @param weights device address of the weights in the precision's element type, [groups][groupLength][groupOut]
     * @param referenceRows the row count the algorithm is chosen for (a typical frame's)
     * @param rowCounts every row count the layer will be asked to multiply (the algorithm must serve them all)
     */
    RowGemm(Libraries libraries, DeviceMemoryPool pool, Precision precision, int groups, int groupLength, int groupOut,
            long weights, int referenceRows, int[] rowCounts) {
        this.libraries = libraries;
        this.pool = pool;
        this.groups = groups;
        this.groupLength = groupLength;
        this.groupOut = groupOut;
        this.outChannels = groups * groupOut;
        this.weights = weights;
        this.elementType = precision == Precision.FP16 ? CUDA_R_16F : CUDA_R_32F;
        int compute = precision == Precision.TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
        try (PointerPointer<?> p = new PointerPointer<>(1)) {
            checkCublas(cublasLtMatmulDescCreate(p, compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
            this.desc = new cublasLtMatmulDescOpaque_t(p.get(0));
        }
        this.weightLayout = layout(elementType, groupOut, groupLength, groupOut, (long) groupLength * groupOut);
        this.workspace = pool.allocate(WORKSPACE_BYTES);
        chooseAlgorithm(referenceRows, rowCounts);
    }

    private cublasLtMatrixLayoutOpaque_t layout(int type, long rows, long cols, long ld, long batchStride) {
        cublasLtMatrixLayoutOpaque_t l;
        try (PointerPointer<?> p = new PointerPointer<>(1)) {
            checkCublas(cublasLtMatrixLayoutCreate(p, type, rows, cols, ld), "cublasLtMatrixLayoutCreate");
            l = new cublasLtMatrixLayoutOpaque_t(p.get(0));
        }
        if (groups > 1) {
            try (IntPointer count = new IntPointer(1).put(groups); LongPointer stride = new LongPointer(1).put(batchStride)) {
                checkCublas(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, count, 4), "batch count");
                checkCublas(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, stride, 8),
                        "batch stride");
            }
        }
        return l;
    }

    /** The layouts of the gathered rows (A) and the products (D) for {@code rows} rows. */
    private cublasLtMatrixLayoutOpaque_t[] rowLayouts(int rows) {
        return rowLayouts.computeIfAbsent(rows, m -> new cublasLtMatrixLayoutOpaque_t[] {
                layout(elementType, groupLength, m, (long) groups * groupLength, groupLength),
                layout(CUDA_R_32F, groupOut, m, outChannels, groupOut)});
    }

    private void chooseAlgorithm(int referenceRows, int[] rowCounts) {
        cublasLtMatrixLayoutOpaque_t[] ref = rowLayouts(referenceRows);
        cublasLtMatmulPreferenceOpaque_t preference;
        try (PointerPointer<?> p = new PointerPointer<>(1)) {
            checkCublas(cublasLtMatmulPreferenceCreate(p), "cublasLtMatmulPreferenceCreate");
            preference = new cublasLtMatmulPreferenceOpaque_t(p.get(0));
        }
        int wanted = 8;
        try (LongPointer limit = new LongPointer(1).put(WORKSPACE_BYTES);
             cublasLtMatmulHeuristicResult_t results = new cublasLtMatmulHeuristicResult_t(wanted);
             cublasLtMatmulHeuristicResult_t check = new cublasLtMatmulHeuristicResult_t();
             IntPointer found = new IntPointer(1);
             IntPointer oneSplit = new IntPointer(1).put(1)) {
            checkCublas(cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, limit, 8),
                    "workspace preference");
            checkCublas(cublasLtMatmulAlgoGetHeuristic(libraries.cublasLt(), desc, weightLayout, ref[0], ref[1], ref[1],
                    preference, wanted, results, found), "cublasLtMatmulAlgoGetHeuristic");
            // the first candidate (in cuBLASLt's order of preference) that, without split-K, serves every row count
            for (int i = 0; i < found.get(); i++) {
                cublasLtMatmulAlgo_t candidate = results.position(i).algo();
                Pointer.memcpy(algo, candidate, algo.sizeof());
                cublasLtMatmulAlgoConfigSetAttribute(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, oneSplit, 4);
                boolean all = true;
                for (int rows : rowCounts) {
                    cublasLtMatrixLayoutOpaque_t[] l = rowLayouts(rows);
                    if (cublasLtMatmulAlgoCheck(libraries.cublasLt(), desc, weightLayout, l[0], l[1], l[1], algo, check)
                            != CUBLAS_STATUS_SUCCESS || check.workspaceSize() > WORKSPACE_BYTES) {
                        all = false;
                        break;
                    }
                }
                if (all) return;
            }
            throw new CudaException("cuBLASLt offers no algorithm for a " + groupOut + " x " + groupLength + " x " + groups
                    + " GEMM that serves " + rowCounts.length + " row counts up to " + rowCounts[rowCounts.length - 1]);
        } finally {
            cublasLtMatmulPreferenceDestroy(preference);
        }
    }

    /** Enqueues products[rows][outChannels] = gathered[rows][...] x weights on {@code stream}. */
    void multiply(int rows, long gathered, long products, CUstream_st stream) {
        cublasLtMatrixLayoutOpaque_t[] l = rowLayouts(rows);
        checkCublas(cublasLtMatmul(libraries.cublasLt(), desc, libraries.one(), Libraries.device(weights), weightLayout,
                Libraries.device(gathered), l[0], libraries.zero(), Libraries.device(products), l[1],
                Libraries.device(products), l[1], algo, Libraries.device(workspace.address()), WORKSPACE_BYTES, stream),
                "cublasLtMatmul(" + rows + " rows)");
    }

    @Override
    public void close() {
        for (cublasLtMatrixLayoutOpaque_t[] l : rowLayouts.values()) {
            cublasLtMatrixLayoutDestroy(l[0]);
            cublasLtMatrixLayoutDestroy(l[1]);
        }
        rowLayouts.clear();
        cublasLtMatrixLayoutDestroy(weightLayout);
        cublasLtMatmulDescDestroy(desc);
        algo.close();
        pool.release(workspace);
    }
}
