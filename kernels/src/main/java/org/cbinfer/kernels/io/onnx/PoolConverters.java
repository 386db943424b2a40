package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Window;

/** ONNX {@code MaxPool}, {@code AveragePool} and {@code GlobalAveragePool} (2-D). */
final class PoolConverters {
    private PoolConverters() {}

    /** MaxPool; its optional second output (indices) is not produced. */
    static void maxPool(OnnxNode n) {
        n.emit(new Pool(Pool.Kind.MAX, window(n), ceilMode(n), false), n.input(0));
    }

    static void averagePool(OnnxNode n) {
        boolean countIncludePad = n.attributes().getInt("count_include_pad", 0) != 0;
        n.emit(new Pool(Pool.Kind.AVG, window(n), ceilMode(n), countIncludePad), n.input(0));
    }

    static void globalAveragePool(OnnxNode n) {
        n.emit(new GlobalAveragePool(), n.input(0));
    }

    private static Window window(OnnxNode n) {
        int[] k = WindowAttributes.kernelShape(n);
        return WindowAttributes.window(n, k[0], k[1]);
    }

    private static boolean ceilMode(OnnxNode n) {
        return n.attributes().getInt("ceil_mode", 0) != 0;
    }
}
