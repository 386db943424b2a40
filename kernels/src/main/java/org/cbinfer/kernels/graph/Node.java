package org.cbinfer.kernels.graph;

import java.util.List;
import org.cbinfer.kernels.graph.ops.Op;

/** One op applied to named values; its single output value carries the node's name. */
public record Node(String name, Op op, List<String> inputs) {
    public Node {
        inputs = List.copyOf(inputs);
    }
}
