package org.cbinfer.kernels.zoo;

import java.util.SplittableRandom;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Appends same-padded stride-1 convolutions, 2x2/2 max pools and channel concatenations to a graph under
 * construction, drawing every weight from one seeded generator so a network is the same on every machine
 * (the benchmark's peer rebuilds it from an export, but our own runs regenerate it).
 *
 * <p>Weights are He-scaled, N(0, 2 / fan_in) before a ReLU and N(0, 1 / fan_in) before a linear output, so
 * activations keep a variance of order one through the depth of the network; biases are small, N(0, 0.01^2),
 * so no channel is constant.
 */
final class LayerStack {
    private final Graph.Builder graph = Graph.builder();
    private final SplittableRandom random;

    LayerStack(String input, long seed) {
        graph.input(input, 1, 3, -1, -1);
        this.random = new SplittableRandom(seed);
    }

    /** A k x k convolution, same padding, stride 1; returns the node's name. */
    String conv(String name, String input, int cin, int cout, int k, boolean relu) {
        int fanIn = cin * k * k;
        double std = Math.sqrt((relu ? 2.0 : 1.0) / fanIn);
        float[] w = new float[cout * fanIn];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * std);
        float[] b = new float[cout];
        for (int i = 0; i < b.length; i++) b[i] = (float) (random.nextGaussian() * 0.01);
        Conv2d op = new Conv2d(Tensor.of(new int[] {cout, cin, k, k}, w), b, Window.of(k, k, 1, Padding.SAME), 1,
                relu ? Activation.RELU : Activation.IDENTITY);
        graph.node(name, op, input);
        return name;
    }

    /** A 2x2 max pool with stride 2 (halves height and width, rounding down). */
    String pool(String name, String input) {
        graph.node(name, new Pool(Pool.Kind.MAX, Window.of(2, 2, 2, Padding.VALID), false, false), input);
        return name;
    }

    /** Concatenation along the channel axis. */
    String concat(String name, String... inputs) {
        graph.node(name, new Concat(1), inputs);
        return name;
    }

    Graph build(String... outputs) {
        for (String o : outputs) graph.output(o);
        return graph.build();
    }
}
