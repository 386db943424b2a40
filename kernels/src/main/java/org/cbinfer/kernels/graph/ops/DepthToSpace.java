package org.cbinfer.kernels.graph.ops;

/**
 * Rearranges [1, C*b*b, H, W] into [1, C, H*b, W*b]. {@code crd} selects ONNX's column-row-depth order
 * (PyTorch PixelShuffle); otherwise depth-column-row (ONNX default, TensorFlow).
 */
public record DepthToSpace(int blockSize, boolean crd) implements Op {
    public DepthToSpace {
        Op.require(blockSize > 0, "block size must be positive");
    }

    @Override
    public String type() {
        return "DepthToSpace";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.requireImage(x, type());
        int bb = blockSize * blockSize;
        Op.require(x[1] % bb == 0, "channels " + x[1] + " not divisible by block size squared " + bb);
        return new int[] {1, x[1] / bb, x[2] * blockSize, x[3] * blockSize};
    }

    @Override
    public String describe() {
        return "block " + blockSize + (crd ? " CRD" : " DCR");
    }
}
