package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.tensor.Shapes;

/**
 * How one value of a plan lives on the GPU: an image ([1, C, H, W]) as NHWC, {@code plane} = H*W positions
 * of {@code channels} values; anything else as its flat NCHW-order data, one position of all its values.
 */
record SlotLayout(int[] shape, boolean image, int channels, int plane, boolean constant) {
    static SlotLayout of(int[] shape, boolean constant) {
        boolean image = Shapes.isImage(shape);
        int size = Shapes.size(shape);
        return image ? new SlotLayout(shape, true, shape[1], shape[2] * shape[3], constant)
                : new SlotLayout(shape, false, size, 1, constant);
    }

    long size() {
        return (long) channels * plane;
    }

    int height() {
        return image ? shape[2] : 1;
    }

    int width() {
        return image ? shape[3] : 1;
    }
}
