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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * The GEMM of one convolution layer's gathered rows through cuBLASLt: {@code products[M][groups][groupStride]}
 * (fp32) = {@code gathered[M][groups][groupLength]} times the weights {@code [groups][groupLength][groupStride]}, one
 * batch entry per group; a group's outputs are padded to {@code groupStride} (a multiple of 8, zero weights) so that
 * every matrix is 16-byte aligned for the tensor-core kernels. In cuBLASLt's column-major terms: D (groupStride x M)
 * = W (groupStride x groupLength) times A (groupLength x M), nothing transposed.
 *
 * <p>One algorithm per layer, chosen once, serves every row count where cuBLASLt allows it, with split-K off: a
 * row's products then come from the same instructions in the same order whatever the other rows multiplied with
 * it, so a camera's results do not depend on the batch it is in, and a restore (all rows at once) recomputes what the
 * frames computed in pieces. A row count the common algorithm cannot serve gets its own ({@link #deterministic()}
 * is then false).
 */
final class RowGemm implements AutoCloseable {
    /** Workspace cuBLASLt may use per layer. */
    private static final long WORKSPACE_BYTES = 32L << 20;

    private final Libraries libraries;
    private final int groups;
    private final int groupLength;
    private final int groupStride;
    private final int productStride;
    private final int elementType;
    private final long weights;
    private final cublasLtMatmulDescOpaque_t desc;
    private final cublasLtMatrixLayoutOpaque_t weightLayout;
    private final Map<Integer, cublasLtMatrixLayoutOpaque_t[]> rowLayouts = new HashMap<>();
    private final cublasLtMatmulAlgo_t algo = new cublasLtMatmulAlgo_t();
    /** Row counts the common algorithm cannot serve, with their own. */
    private final Map<Integer, cublasLtMatmulAlgo_t> ownAlgorithms = new HashMap<>();
    private final DeviceBuffer workspace;
    private final DeviceMemoryPool pool;

    /**
     * @param weights device address of the weights in the precision's element type, [groups][groupLength][groupStride]
     * @param referenceRows the row count the algorithm is chosen for (a typical frame's)
     * @param rowCounts every row count the layer will be asked to multiply
     */
    RowGemm(Libraries libraries, DeviceMemoryPool pool, Precision precision, int groups, int groupLength, int groupStride,
            long weights, int referenceRows, int[] rowCounts) {
        this.libraries = libraries;
        this.pool = pool;
        this.groups = groups;
        this.groupLength = groupLength;
        this.groupStride = groupStride;
        this.productStride = groups * groupStride;
        this.weights = weights;
        this.elementType = precision == Precision.FP16 ? CUDA_R_16F : CUDA_R_32F;
        int compute = precision == Precision.TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
        try (PointerPointer<?> p = new PointerPointer<>(1)) {
            checkCublas(cublasLtMatmulDescCreate(p, compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
            this.desc = new cublasLtMatmulDescOpaque_t(p.get(0));
        }
        this.weightLayout = layout(elementType, groupStride, groupLength, groupStride, (long) groupLength * groupStride);
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
                layout(CUDA_R_32F, groupStride, m, productStride, groupStride)});
    }

    /** True when one algorithm serves every row count: a row's products do not depend on the rows beside it. */
    boolean deterministic() {
        return ownAlgorithms.isEmpty();
    }

    private cublasLtMatmulPreferenceOpaque_t preference() {
        try (PointerPointer<?> p = new PointerPointer<>(1); LongPointer limit = new LongPointer(1).put(WORKSPACE_BYTES)) {
            checkCublas(cublasLtMatmulPreferenceCreate(p), "cublasLtMatmulPreferenceCreate");
            cublasLtMatmulPreferenceOpaque_t preference = new cublasLtMatmulPreferenceOpaque_t(p.get(0));
            checkCublas(cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, limit, 8),
                    "workspace preference");
            return preference;
        }
    }

    /** cuBLASLt's candidates for {@code rows} rows, best first. */
    private List<cublasLtMatmulAlgo_t> candidates(cublasLtMatmulPreferenceOpaque_t preference, int rows) {
        cublasLtMatrixLayoutOpaque_t[] l = rowLayouts(rows);
        int wanted = 16;
        List<cublasLtMatmulAlgo_t> list = new ArrayList<>();
        try (cublasLtMatmulHeuristicResult_t results = new cublasLtMatmulHeuristicResult_t(wanted);
             IntPointer found = new IntPointer(1)) {
            checkCublas(cublasLtMatmulAlgoGetHeuristic(libraries.cublasLt(), desc, weightLayout, l[0], l[1], l[1],
                    preference, wanted, results, found), "cublasLtMatmulAlgoGetHeuristic(" + rows + " rows)");
            for (int i = 0; i < found.get(); i++) {
                if (results.position(i).state() != CUBLAS_STATUS_SUCCESS) continue;
                cublasLtMatmulAlgo_t a = new cublasLtMatmulAlgo_t();
                Pointer.memcpy(a, results.position(i).algo(), a.sizeof());
                list.add(a);
            }
        }
        return list;
    }

    /** Whether {@code a} (split-K turned off) computes {@code rows} rows within the workspace. */
    private boolean serves(cublasLtMatmulAlgo_t a, int rows) {
        cublasLtMatrixLayoutOpaque_t[] l = rowLayouts(rows);
        try (cublasLtMatmulHeuristicResult_t check = new cublasLtMatmulHeuristicResult_t()) {
            return cublasLtMatmulAlgoCheck(libraries.cublasLt(), desc, weightLayout, l[0], l[1], l[1], a, check)
                    == CUBLAS_STATUS_SUCCESS && check.workspaceSize() <= WORKSPACE_BYTES;
        }
    }

    private static void noSplitK(cublasLtMatmulAlgo_t a) {
        try (IntPointer one = new IntPointer(1).put(1)) {
            cublasLtMatmulAlgoConfigSetAttribute(a, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, one, 4);
        }
    }

    private void chooseAlgorithm(int referenceRows, int[] rowCounts) {
        cublasLtMatmulPreferenceOpaque_t preference = preference();
        try {
            // the first candidate (in cuBLASLt's order of preference) that, without split-K, serves the most row counts
            int best = -1;
            for (cublasLtMatmulAlgo_t candidate : candidates(preference, referenceRows)) {
                noSplitK(candidate);
                int served = 0;
                for (int rows : rowCounts) if (serves(candidate, rows)) served++;
                if (served > best) {
                    best = served;
                    Pointer.memcpy(algo, candidate, algo.sizeof());
                }
                if (served == rowCounts.length) break;
            }
            if (best < 0) throw new CudaException("cuBLASLt offers no algorithm for a " + groupStride + " x " + groupLength
                    + " x " + groups + " GEMM of " + referenceRows + " rows");
            for (int rows : rowCounts) {
                if (serves(algo, rows)) continue;
                cublasLtMatmulAlgo_t own = candidates(preference, rows).stream().filter(a -> serves(a, rows)).findFirst()
                        .orElseThrow(() -> new CudaException("cuBLASLt offers no algorithm for a " + groupStride + " x "
                                + groupLength + " x " + groups + " GEMM of " + rows + " rows"));
                ownAlgorithms.put(rows, own);
            }
        } finally {
            cublasLtMatmulPreferenceDestroy(preference);
        }
    }

    /** Enqueues products[rows][...] = gathered[rows][...] x weights on {@code stream}. */
    void multiply(int rows, long gathered, long products, CUstream_st stream) {
        cublasLtMatrixLayoutOpaque_t[] l = rowLayouts(rows);
        checkCublas(cublasLtMatmul(libraries.cublasLt(), desc, libraries.one(), Libraries.device(weights), weightLayout,
                Libraries.device(gathered), l[0], libraries.zero(), Libraries.device(products), l[1],
                Libraries.device(products), l[1], ownAlgorithms.getOrDefault(rows, algo), Libraries.device(workspace.address()),
                WORKSPACE_BYTES, stream),
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
        ownAlgorithms.values().forEach(Pointer::close);
        pool.release(workspace);
    }
}
