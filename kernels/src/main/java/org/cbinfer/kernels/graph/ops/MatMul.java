package org.cbinfer.kernels.graph.ops;

import java.util.Arrays;
import org.cbinfer.kernels.tensor.Shapes;

/** Matrix product with numpy semantics (batch dimensions broadcast; rank-1 operands promoted). */
public record MatMul() implements Op {
    @Override
    public String type() {
        return "MatMul";
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 2;
    }

    /** The operands as matrices with batch dims: a' = [..., M, K], b' = [..., K, N]. */
    static int[] promoteA(int[] a) {
        return a.length == 1 ? new int[] {1, a[0]} : a;
    }

    static int[] promoteB(int[] b) {
        return b.length == 1 ? new int[] {b[0], 1} : b;
    }

    @Override
    public int[] outputShape(int[][] in) {
        Op.require(in[0].length >= 1 && in[1].length >= 1, "matmul of a scalar");
        int[] a = promoteA(in[0]);
        int[] b = promoteB(in[1]);
        int k = a[a.length - 1];
        Op.require(k == b[b.length - 2], "matmul inner dimensions differ: " + Arrays.toString(in[0]) + " x " + Arrays.toString(in[1]));
        int[] batch = Shapes.broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a[a.length - 2];
        out[batch.length + 1] = b[b.length - 1];
        if (in[0].length == 1 && in[1].length == 1) return new int[0];
        if (in[0].length == 1) return dropAxis(out, out.length - 2);
        if (in[1].length == 1) return dropAxis(out, out.length - 1);
        return out;
    }

    private static int[] dropAxis(int[] s, int axis) {
        int[] r = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != axis) r[j++] = s[i];
        return r;
    }

    @Override
    public long macs(int[][] in, int[] out) {
        return (long) Shapes.size(out) * in[0][in[0].length - 1];
    }
}
