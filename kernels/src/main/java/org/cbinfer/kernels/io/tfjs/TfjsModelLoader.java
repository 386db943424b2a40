package org.cbinfer.kernels.io.tfjs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;

/**
 * Imports a TensorFlow.js graph model ({@code model.json} with its weight shards beside it) as an engine
 * {@link Graph}, so that models published for the browser (PoseNet, MediaPipe segmenters) run unchanged.
 *
 * <p>The produced graph is NCHW throughout: its input is [1, 3, H, W] (H and W are -1 when the model is fully
 * convolutional, else the placeholder's size), filters are OIHW, and every value keeps its TensorFlow node
 * name, so the outputs are named as in the model (e.g. {@code MobilenetV1/heatmap_2/BiasAdd}). The outputs are
 * the model signature's, or else the nodes nothing reads. TensorFlow's semantics are kept exactly: where an op
 * depends on the order of values (Reshape), transposes are inserted unless both layouts order them alike.
 * The graph is not optimized; {@link org.cbinfer.kernels.graph.GraphOptimizer} folds bias adds and activations.
 */
public final class TfjsModelLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsModelLoader() {}

    /**
     * Loads {@code model.json} and the weight files its manifest lists.
     *
     * @throws ModelException for an op the engine cannot run, or missing or inconsistent weights, naming the node
     * @throws IOException when a file cannot be read
     */
    public static Graph load(Path modelJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(modelJson.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelException(null, modelJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        TfjsModel model = TfjsModel.parse(root);
        Path folder = modelJson.toAbsolutePath().getParent();
        return GraphTranslator.translate(model, WeightFiles.read(folder, model.manifest()));
    }
}
