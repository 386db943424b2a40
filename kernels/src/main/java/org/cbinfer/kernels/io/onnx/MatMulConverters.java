package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.MatMul;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.tensor.Tensor;

/** MatMul, and Gemm ({@code alpha * A' B' + beta * C}) as MatMul and Add with constants folded. */
final class MatMulConverters {
    private MatMulConverters() {}

    static void matMul(OnnxNode n) {
        n.emit(new MatMul(), n.input(0), n.input(1));
    }

    /**
     * Gemm. A constant B is transposed and scaled by alpha at import, a constant C scaled by beta; otherwise
     * the transposes and scalings become nodes.
     */
    static void gemm(OnnxNode n) {
        NodeAttributes at = n.attributes();
        float alpha = at.getFloat("alpha", 1f);
        float beta = at.getFloat("beta", 1f);
        boolean transB = at.getInt("transB", 0) != 0;
        String a = n.input(0);
        if (at.getInt("transA", 0) != 0) a = n.emitHelper("transA", new Transpose(new int[] {1, 0}), a);
        String b;
        boolean alphaApplied;
        if (n.isConstant(1) && (transB || alpha != 1f)) {
            Tensor w = n.constantTensor(1, "B");
            if (w.rank() != 2) throw n.fail("B must be 2-D, got " + java.util.Arrays.toString(w.shape()));
            b = n.helperConstant("B", scale(transB ? transpose(w) : w, alpha));
            alphaApplied = true;
        } else {
            b = n.input(1);
            if (transB) b = n.emitHelper("transB", new Transpose(new int[] {1, 0}), b);
            alphaApplied = alpha == 1f;
        }
        boolean addC = n.has(2) && beta != 0f;
        if (!addC && alphaApplied) {
            n.emit(new MatMul(), a, b);
            return;
        }
        String product = n.emitHelper("matmul", new MatMul(), a, b);
        if (!alphaApplied) {
            String alphaValue = n.helperConstant("alpha", Tensor.scalar(alpha));
            if (!addC) {
                n.emit(new Binary(Binary.Kind.MUL), product, alphaValue);
                return;
            }
            product = n.emitHelper("alpha", new Binary(Binary.Kind.MUL), product, alphaValue);
        }
        String c;
        if (beta == 1f) {
            c = n.input(2);
        } else if (n.isConstant(2)) {
            c = n.helperConstant("C", scale(n.constantTensor(2, "C"), beta));
        } else {
            c = n.emitHelper("beta", new Binary(Binary.Kind.MUL), n.input(2), n.helperConstant("beta", Tensor.scalar(beta)));
        }
        n.emit(new Binary(Binary.Kind.ADD), product, c);
    }

    private static Tensor transpose(Tensor m) {
        int rows = m.dim(0);
        int cols = m.dim(1);
        float[] src = m.data();
        float[] dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
        }
        return Tensor.of(new int[] {cols, rows}, dst);
    }

    private static Tensor scale(Tensor t, float s) {
        float[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return Tensor.of(t.shape(), v);
    }
}
