package org.cbinfer.kernels.io.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphInput;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Writes a graph for peers outside the JVM (the PyTorch/cuDNN benchmark peer, {@code bench/peers/}): so they
 * run exactly the network we run, optimized form included (batch norms folded, activations fused), with the
 * same weights. A folder holds:
 * <ul>
 *   <li>{@code graph.json}: {@code format} "cbinfer-graph", {@code version} 1, {@code layout} "NCHW",
 *       {@code inputs} (name, shape with -1 for free dimensions), {@code outputs} (names), {@code constants}
 *       (name, offset, shape) and {@code nodes} in topological order, each with {@code name}, {@code op},
 *       {@code inputs} and its attributes (see {@code OpExporter});</li>
 *   <li>{@code weights.f32}: every array the JSON refers to, raw little-endian float32, offsets in floats;</li>
 *   <li>optionally ({@link #writeReference}) {@code reference.json} with input and output tensors as NCHW
 *       little-endian float32 files, computed by our CPU backend, which the peer checks itself against.</li>
 * </ul>
 */
public final class GraphExport {
    public static final String GRAPH_FILE = "graph.json";
    public static final String WEIGHTS_FILE = "weights.f32";
    public static final String REFERENCE_FILE = "reference.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphExport() {}

    /**
     * Writes {@code graph.json} and {@code weights.f32} into {@code dir} (created if needed).
     *
     * @throws org.cbinfer.kernels.graph.ModelException naming a node whose op the format does not cover
     */
    public static void write(Graph graph, Path dir) throws IOException {
        Files.createDirectories(dir);
        WeightsFile weights = new WeightsFile();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "cbinfer-graph");
        root.put("version", 1);
        root.put("layout", "NCHW");
        root.put("weights", WEIGHTS_FILE);
        ArrayNode inputs = root.putArray("inputs");
        for (GraphInput in : graph.inputs()) {
            ObjectNode o = inputs.addObject();
            o.put("name", in.name());
            ArrayNode shape = o.putArray("shape");
            for (int d : in.shape()) shape.add(d);
        }
        ArrayNode outputs = root.putArray("outputs");
        graph.outputs().forEach(outputs::add);
        ArrayNode constants = root.putArray("constants");
        graph.constants().forEach((name, t) -> constants.addObject().put("name", name).setAll(weights.add(t.data(), t.shape())));
        OpExporter ops = new OpExporter(weights);
        ArrayNode nodes = root.putArray("nodes");
        for (Node n : graph.nodes()) nodes.add(ops.export(n));
        root.put("weights_floats", weights.floats());
        weights.write(dir.resolve(WEIGHTS_FILE));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(GRAPH_FILE).toFile(), root);
    }

    /**
     * Writes {@code reference.json} and one {@code .f32} file per tensor: the inputs a peer should feed and
     * the outputs it should reproduce.
     */
    public static void writeReference(Path dir, Map<String, Tensor> inputs, Map<String, Tensor> outputs) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("layout", "NCHW");
        root.put("dtype", "float32-le");
        root.set("inputs", tensors(dir, "input", inputs));
        root.set("outputs", tensors(dir, "output", outputs));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(REFERENCE_FILE).toFile(), root);
    }

    private static ArrayNode tensors(Path dir, String prefix, Map<String, Tensor> tensors) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        int i = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String file = prefix + "-" + i++ + ".f32";
            Files.write(dir.resolve(file), WeightsFile.littleEndian(e.getValue().data()));
            ObjectNode o = list.addObject();
            o.put("name", e.getKey());
            ArrayNode shape = o.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            o.put("file", file);
        }
        return list;
    }
}
