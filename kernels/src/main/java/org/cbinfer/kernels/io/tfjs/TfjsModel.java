package org.cbinfer.kernels.io.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.cbinfer.kernels.graph.ModelException;

/**
 * The parts of a TFJS graph model's {@code model.json} the importer uses: the GraphDef nodes
 * ({@code modelTopology.node}), the declared outputs ({@code signature.outputs}, empty when absent)
 * and the weights manifest.
 */
record TfjsModel(List<TfNode> nodes, List<String> signatureOutputs, List<WeightSpec.Group> manifest) {
    static TfjsModel parse(JsonNode root) {
        if (!"graph-model".equals(root.path("format").asText("graph-model"))) {
            throw new ModelException(null, "not a TFJS graph model (format '" + root.path("format").asText()
                    + "'; layers models are not supported)");
        }
        JsonNode nodeList = root.path("modelTopology").path("node");
        if (!nodeList.isArray() || nodeList.isEmpty()) {
            throw new ModelException(null, "model.json has no modelTopology.node list");
        }
        List<TfNode> nodes = new ArrayList<>();
        for (JsonNode n : nodeList) nodes.add(TfNode.parse(n));
        List<String> outputs = new ArrayList<>();
        root.path("signature").path("outputs").fields().forEachRemaining(e -> {
            String tensor = e.getValue().path("name").asText(e.getKey());
            outputs.add(tensor.endsWith(":0") ? tensor.substring(0, tensor.length() - 2) : tensor);
        });
        List<WeightSpec.Group> manifest = new ArrayList<>();
        for (JsonNode g : root.path("weightsManifest")) manifest.add(group(g));
        return new TfjsModel(nodes, outputs, manifest);
    }

    private static WeightSpec.Group group(JsonNode g) {
        List<String> paths = new ArrayList<>();
        for (JsonNode p : g.path("paths")) paths.add(p.asText());
        List<WeightSpec> weights = new ArrayList<>();
        for (JsonNode w : g.path("weights")) {
            String name = w.path("name").asText(null);
            if (name == null) throw new ModelException(null, "weights manifest entry without a name: " + w);
            JsonNode dims = w.path("shape");
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!dims.get(i).canConvertToInt()) throw new ModelException(name, "weight shape is not a list of integers: " + dims);
                shape[i] = dims.get(i).asInt();
            }
            JsonNode q = w.get("quantization");
            WeightSpec.Quantization quant = q == null ? null
                    : new WeightSpec.Quantization(q.path("dtype").asText(), (float) q.path("scale").asDouble(1),
                            (float) q.path("min").asDouble(0));
            weights.add(new WeightSpec(name, shape, w.path("dtype").asText("float32"), quant));
        }
        return new WeightSpec.Group(paths, weights);
    }
}
