package org.cbinfer.kernels.io.tfjs;

import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Window;

/** Spatial ops without weights: {@code AvgPool}, {@code MaxPool} and {@code ResizeBilinear}. */
final class PoolResizeOps {
    private PoolResizeOps() {}

    /** A pool; TensorFlow's average pooling divides by the number of values inside the input, not padding. */
    static OpTranslator pool(Pool.Kind kind) {
        return (n, ctx) -> {
            int[] k = Windows.spatial(n, "ksize");
            Window w = Windows.of(n, k[0], k[1]);
            if (w.dilationH() != 1 || w.dilationW() != 1) throw new ModelException(n.name(), "dilated pooling is not supported");
            ctx.result(n, new Pool(kind, w, false, false), ctx.operand(n.input(0), true));
        };
    }

    /**
     * ResizeBilinear to a constant size: {@code half_pixel_centers} is ONNX's half_pixel transform,
     * {@code align_corners} align_corners, neither asymmetric.
     */
    static void resizeBilinear(TfNode n, GraphTranslator ctx) {
        int[] size = ctx.constant(n, 1).ints();
        if (size == null || size.length != 2) throw new ModelException(n.name(), "ResizeBilinear's size must be 2 int32 values");
        boolean alignCorners = n.bool("align_corners", false);
        boolean halfPixel = n.bool("half_pixel_centers", false);
        if (alignCorners && halfPixel) throw new ModelException(n.name(), "align_corners and half_pixel_centers are exclusive");
        Resize.CoordinateMode mode = alignCorners ? Resize.CoordinateMode.ALIGN_CORNERS
                : halfPixel ? Resize.CoordinateMode.HALF_PIXEL : Resize.CoordinateMode.ASYMMETRIC;
        ctx.result(n, Resize.toSize(Resize.Mode.LINEAR, mode, Resize.NearestMode.ROUND_PREFER_FLOOR, size[0], size[1]),
                ctx.operand(n.input(0), true));
    }
}
