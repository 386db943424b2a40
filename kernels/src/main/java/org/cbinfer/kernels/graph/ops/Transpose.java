package org.cbinfer.kernels.graph.ops;

import java.util.Arrays;

/** Permutes dimensions: output dim i is input dim {@code perm[i]}. */
public record Transpose(int[] perm) implements Op {
    @Override
    public String type() {
        return "Transpose";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.require(perm.length == x.length, "permutation " + Arrays.toString(perm) + " does not match rank " + x.length);
        boolean[] seen = new boolean[x.length];
        int[] out = new int[x.length];
        for (int i = 0; i < perm.length; i++) {
            Op.require(perm[i] >= 0 && perm[i] < x.length && !seen[perm[i]], "invalid permutation " + Arrays.toString(perm));
            seen[perm[i]] = true;
            out[i] = x[perm[i]];
        }
        return out;
    }

    @Override
    public String describe() {
        return Arrays.toString(perm);
    }
}
