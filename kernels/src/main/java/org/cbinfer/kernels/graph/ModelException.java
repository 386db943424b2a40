package org.cbinfer.kernels.graph;

/**
 * A model, graph or input that cannot be run: an unsupported op, inconsistent shapes, missing weights,
 * a bad frame. The message names the node (or input) and what is wrong.
 */
public class ModelException extends RuntimeException {
    private final String node;

    public ModelException(String node, String message) {
        super(node == null ? message : "node '" + node + "': " + message);
        this.node = node;
    }

    public ModelException(String node, String message, Throwable cause) {
        super(node == null ? message : "node '" + node + "': " + message, cause);
        this.node = node;
    }

    /** The node (or graph input) the problem is in; null when it concerns the whole model. */
    public String node() {
        return node;
    }
}
