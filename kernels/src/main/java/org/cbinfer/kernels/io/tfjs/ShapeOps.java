package org.cbinfer.kernels.io.tfjs;

import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.MatMul;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * Ops whose meaning depends on the order of values: {@code Reshape}, {@code MatMul} and {@code ConcatV2}.
 * Reshape works on values in TensorFlow (NHWC) order, so a rank-4 input is transposed to NHWC first and a
 * rank-4 result back to NCHW, except where both layouts order the values alike (C = 1, or H = W = 1, as in
 * the squeeze-excitation blocks of the segmenters), where a plain reshape does.
 */
final class ShapeOps {
    private ShapeOps() {}

    static void reshape(TfNode n, GraphTranslator ctx) {
        int[] requested = ctx.constant(n, 1).ints();
        if (requested == null) throw new ModelException(n.name(), "Reshape's shape must be int32");
        ctx.requireFixedInputSize(n.name(), "Reshape to a constant shape");
        TfValue in = ctx.value(n.input(0));
        TfValue flat = in;
        int[] tfShape = in.shape();
        if (in.rank() == 4) {
            tfShape = Layouts.permute(in.shape(), Layouts.NCHW_TO_NHWC);
            if (!Layouts.orderInvariant(tfShape)) {
                flat = ctx.emit(ctx.uniqueName(n.name(), "input_nhwc"), new Transpose(Layouts.NCHW_TO_NHWC), in);
            }
        }
        int[] target = new Reshape(requested, true).outputShape(new int[][] {tfShape});
        if (target.length == 4) {
            ctx.define(n, ctx.toImage(n.name(), flat, target));
        } else {
            ctx.result(n, new Reshape(target, true), flat);
        }
    }

    /** MatMul of two matrices, either optionally transposed first ({@code transpose_a}, {@code transpose_b}). */
    static void matMul(TfNode n, GraphTranslator ctx) {
        TfValue a = matrix(n, ctx, 0, "transpose_a");
        TfValue b = matrix(n, ctx, 1, "transpose_b");
        ctx.result(n, new MatMul(), a, b);
    }

    private static TfValue matrix(TfNode n, GraphTranslator ctx, int index, String transposeAttr) {
        TfValue m = ctx.operand(n.input(index), false);
        if (m.rank() != 2) {
            throw new ModelException(n.name(), "MatMul operand " + index + " must be a matrix, got " + Shapes.str(m.shape()));
        }
        if (!n.bool(transposeAttr, false)) return m;
        return ctx.emit(ctx.uniqueName(n.name(), transposeAttr), new Transpose(new int[] {1, 0}), m);
    }

    /** ConcatV2(values..., axis): a rank-4 concat's NHWC axis becomes the NCHW one (-1, channels, becomes 1). */
    static void concat(TfNode n, GraphTranslator ctx) {
        int count = n.inputs().size() - 1;
        int[] axis = ctx.constant(n, count).ints();
        if (axis == null || axis.length != 1) throw new ModelException(n.name(), "ConcatV2's axis must be one int32");
        int rank = ctx.rank(n.input(0));
        TfValue[] parts = new TfValue[count];
        for (int i = 0; i < count; i++) parts[i] = ctx.operand(n.input(i), rank == 4);
        ctx.result(n, new Concat(Layouts.axis(axis[0], rank)), parts);
    }
}
