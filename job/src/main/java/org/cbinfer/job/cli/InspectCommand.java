package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.Shapes;

/** {@code inspect --model PATH [--size WxH]}: the layer table of a model as the engine runs it. */
public final class InspectCommand {
    public static final String USAGE = "inspect --model PATH [--size WxH]";

    private InspectCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("model", "size"), Set.of());
        Graph graph = GraphOptimizer.optimize(ModelFiles.load(Path.of(args.require("model"))));
        int[] declared = graph.inputs().get(0).shape();
        int[] size = args.size("size");
        int[] input = declared.clone();
        if (size != null) {
            input[2] = size[1];
            input[3] = size[0];
        }
        if (input[2] < 0 || input[3] < 0) {
            throw new Args.UsageException("the model accepts any input size: give --size WxH");
        }
        Map<String, int[]> shapes = graph.inferShapes(Map.of(graph.inputs().get(0).name(), input));
        out.printf("model %s, input %s %s, %d nodes%n", args.require("model"), graph.inputs().get(0).name(),
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
