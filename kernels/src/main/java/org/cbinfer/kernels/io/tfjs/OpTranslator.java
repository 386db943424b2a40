package org.cbinfer.kernels.io.tfjs;

/** Translates one TensorFlow op into graph nodes, defining the node's TensorFlow name in the context. */
@FunctionalInterface
interface OpTranslator {
    /**
     * @throws IllegalArgumentException or {@link org.cbinfer.kernels.graph.ModelException} when the node cannot
     *     be translated; the caller names the node
     */
    void translate(TfNode node, GraphTranslator ctx);
}
