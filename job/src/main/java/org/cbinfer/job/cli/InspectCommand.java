package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inspect}: the layer table of a model as the engine runs it (after its graph optimisations). */
@Command(name = "inspect", header = "Print a model's layer table (op, shapes, weights, MACs).",
        description = "Print a model's layer table as the engine runs it: op, parameters, output shape,"
        + " weights and multiply-accumulates per node, and the totals.")
public final class InspectCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "a TensorFlow.js graph model (model.json, its weight shards beside it) or an ONNX model (.onnx)")
    private Path model;

    @Option(names = "--size", paramLabel = "WxH",
            description = "input size (default: the model's declared size; required when it accepts any)")
    private ImageSize size;

    public InspectCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Graph graph = GraphOptimizer.optimize(ModelFiles.load(model));
        int[] declared = graph.inputs().get(0).shape();
        int[] input = declared.clone();
        if (size != null) {
            input[2] = size.height();
            input[3] = size.width();
        }
        if (input[2] < 0 || input[3] < 0) {
            throw new UsageException("the model accepts any input size: give --size WxH");
        }
        Map<String, int[]> shapes = graph.inferShapes(Map.of(graph.inputs().get(0).name(), input));
        out.printf("model %s, input %s %s, %d nodes%n", model, graph.inputs().get(0).name(),
                Shapes.str(input), graph.nodes().size());
        out.printf("%-4s %-44s %-16s %-22s %-20s %12s %14s%n", "#", "node", "op", "params", "output", "weights", "MACs");
        long total = 0, totalParams = 0;
        int i = 0;
        for (Node n : graph.nodes()) {
            int[][] in = n.inputs().stream().map(shapes::get).toArray(int[][]::new);
            long macs = n.op().macs(in, shapes.get(n.name()));
            long params = parameters(n);
            total += macs;
            totalParams += params;
            out.printf("%-4d %-44s %-16s %-22s %-20s %12d %14d%n", i++, clip(n.name(), 44), n.op().type(),
                    clip(n.op().describe(), 22), Shapes.str(shapes.get(n.name())), params, macs);
        }
        out.printf("total: %d weights, %.3f GMAC per frame%n", totalParams, total / 1e9);
        for (String o : graph.outputs()) out.printf("output %s %s%n", o, Shapes.str(shapes.get(o)));
        return 0;
    }

    private static long parameters(Node n) {
        if (n.op() instanceof org.cbinfer.kernels.graph.ops.Conv2d c) {
            return c.weight().size() + (c.bias() == null ? 0 : c.bias().length);
        }
        if (n.op() instanceof org.cbinfer.kernels.graph.ops.ConvTranspose2d t) {
            return t.weight().size() + (t.bias() == null ? 0 : t.bias().length);
        }
        return 0;
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n + 1);
    }
}
