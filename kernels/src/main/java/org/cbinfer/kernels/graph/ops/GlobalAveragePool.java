package org.cbinfer.kernels.graph.ops;

/** Mean over the spatial dimensions: [1, C, H, W] -> [1, C, 1, 1]. */
public record GlobalAveragePool() implements Op {
    @Override
    public String type() {
        return "GlobalAveragePool";
    }

    @Override
    public int[] outputShape(int[][] in) {
        Op.requireImage(in[0], type());
        return new int[] {1, in[0][1], 1, 1};
    }
}
