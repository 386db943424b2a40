package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.ArgMax;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.DepthToSpace;
import org.cbinfer.kernels.graph.ops.Flatten;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.MatMul;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Softmax;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Shapes;

/** Chooses the CPU kernel for a node at concrete shapes. */
final class Kernels {
    private Kernels() {}

    private static Kernel choose(Op op, int[][] in, int[] out) {
        if (op instanceof Conv2d c) return ConvKernel.forward(c, in[0], out);
        if (op instanceof ConvTranspose2d t) return ConvKernel.transposed(t, in[0], out);
        if (op instanceof Pool p) return new PoolKernel(p, in[0], out);
        if (op instanceof Resize r) return new ResizeKernel(r, in[0], out);
        if (op instanceof Pad p) {
            return Shapes.isImage(in[0]) && p.spatialOnly() ? new SpatialPadKernel(p, in[0], out) : GatherKernel.pad(p, in[0], out);
        }
        if (op instanceof Unary u) return new UnaryKernel(u.activation(), out);
        if (op instanceof Binary b) return new BinaryKernel(b, in[0], in[1], out);
        if (op instanceof BatchNorm bn) return new BatchNormKernel(bn, out);
        if (op instanceof Concat c) return new ConcatKernel(c.axis(), in, out);
        if (op instanceof Softmax s) return AxisReduceKernel.softmax(s, in[0], out);
        if (op instanceof ArgMax a) return AxisReduceKernel.argmax(a, in[0], out);
        if (op instanceof GlobalAveragePool) return new GlobalAveragePoolKernel(in[0]);
        if (op instanceof Reshape || op instanceof Flatten) return new CopyKernel();
        if (op instanceof Transpose t) return GatherKernel.transpose(t, in[0], out);
        if (op instanceof DepthToSpace d) return GatherKernel.depthToSpace(d, in[0], out);
        if (op instanceof MatMul) return new MatMulKernel(in[0], in[1]);
        throw new IllegalArgumentException("no CPU kernel for " + op.type());
    }

    static Kernel create(Node node, int[][] in, int[] out) {
        try {
            return choose(node.op(), in, out);
        } catch (IllegalArgumentException e) {
            throw new ModelException(node.name(), e.getMessage(), e);
        }
    }
}
