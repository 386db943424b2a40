package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.tensor.Shapes;

/**
 * Base of ops that compute each spatial position from the same position of their inputs. On image
 * outputs they run at a list of positions (all channels of each); on anything else, whole.
 */
abstract class PointwiseKernel extends Kernel {
    protected final int[] outShape;
    protected final boolean image;
    protected final int plane;

    PointwiseKernel(int[] outShape) {
        this.outShape = outShape;
        this.image = Shapes.isImage(outShape);
        this.plane = image ? outShape[2] * outShape[3] : 1;
    }

    @Override
    public Rule rule() {
        return image ? Rule.POINTWISE : Rule.DENSE;
    }

    @Override
    public void compute(float[][] inputs, float[] out, int[] pos, int count) {
        if (pos == null || !image) {
            computeAll(inputs, out);
        } else {
            computeAt(inputs, out, pos, count);
        }
    }

    abstract void computeAll(float[][] inputs, float[] out);

    /** Positions of an image output, all channels of each. */
    abstract void computeAt(float[][] inputs, float[] out, int[] pos, int count);
}
