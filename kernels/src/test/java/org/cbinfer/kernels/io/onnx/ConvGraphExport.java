package org.cbinfer.kernels.io.onnx;

import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.attr;
import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.in;

import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The engine's optimised graph of a network made of convolutions and max pools (PoseNet's MobileNet: plain,
 * pointwise and depthwise, with fused Clip, ReLU or sigmoid; the scene-labelling network) written back as an ONNX
 * model at one input size, so that ONNX Runtime runs exactly the network our CPU backend runs. Anything else is
 * refused with the op's name.
 */
final class ConvGraphExport {
    private ConvGraphExport() {}

    static byte[] onnx(Graph graph, int[] inputShape) {
        Graph g = GraphOptimizer.optimize(graph);
        Map<String, int[]> shapes = g.inferShapes(inputShape);
        OnnxModelBuilder b = OnnxModelBuilder.opset(13).input(g.inputs().get(0).name(), inputShape);
        for (String out : g.outputs()) b.output(out);
        for (Node n : g.nodes()) {
            int[] in = shapes.get(n.inputs().get(0));
            if (n.op() instanceof Pool p && p.kind() == Pool.Kind.MAX) {
                Window w = p.window();
                int[] py = w.pads(0, in[2]), px = w.pads(1, in[3]);
                b.node("MaxPool", in(n.inputs().get(0)), n.name(), attr("kernel_shape", w.kernelH(), w.kernelW()),
                        attr("strides", w.strideH(), w.strideW()), attr("dilations", w.dilationH(), w.dilationW()),
                        attr("pads", py[0], px[0], py[1], px[1]), attr("ceil_mode", p.ceilMode() ? 1L : 0L));
                continue;
            }
            if (!(n.op() instanceof Conv2d c)) throw new IllegalArgumentException(n.name() + ": cannot export " + n.op().type());
            Window w = c.window();
            int[] py = w.pads(0, in[2]), px = w.pads(1, in[3]);
            int cout = c.weight().shape()[0];
            boolean fused = c.activation().kind() != org.cbinfer.kernels.graph.ops.Activation.Kind.IDENTITY;
            String conv = fused ? n.name() + "/conv" : n.name();
            b.initializer(n.name() + "/W", c.weight())
                    .initializer(n.name() + "/B", Tensor.of(new int[] {cout}, c.bias() == null ? new float[cout] : c.bias()))
                    .node("Conv", in(n.inputs().get(0), n.name() + "/W", n.name() + "/B"), conv,
                            attr("kernel_shape", w.kernelH(), w.kernelW()), attr("strides", w.strideH(), w.strideW()),
                            attr("dilations", w.dilationH(), w.dilationW()), attr("pads", py[0], px[0], py[1], px[1]),
                            attr("group", (long) c.groups()));
            switch (c.activation().kind()) {
                case IDENTITY -> { }
                case RELU -> b.node("Relu", in(conv), n.name());
                case SIGMOID -> b.node("Sigmoid", in(conv), n.name());
                case CLIP -> b.initializer(n.name() + "/min", Tensor.of(new int[0], new float[] {c.activation().alpha()}))
                        .initializer(n.name() + "/max", Tensor.of(new int[0], new float[] {c.activation().beta()}))
                        .node("Clip", in(conv, n.name() + "/min", n.name() + "/max"), n.name());
                default -> throw new IllegalArgumentException(n.name() + ": cannot export activation " + c.activation());
            }
        }
        return b.bytes();
    }
}
