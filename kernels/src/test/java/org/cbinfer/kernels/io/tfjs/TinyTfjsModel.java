package org.cbinfer.kernels.io.tfjs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Writes small TFJS graph models (model.json + one float32/int32 weights file) for tests. */
final class TinyTfjsModel {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ArrayNode nodes = F.arrayNode();
    private final ArrayNode weights = F.arrayNode();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** A placeholder of NHWC shape {@code dims} (-1 for open dimensions). */
    TinyTfjsModel placeholder(String name, int... dims) {
        ArrayNode d = F.arrayNode();
        for (int x : dims) d.addObject().put("size", String.valueOf(x));
        ObjectNode shape = F.objectNode();
        shape.putObject("shape").set("dim", d);
        return node(name, "Placeholder", attrs("shape", shape));
    }

    TinyTfjsModel constant(String name, int[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return weight(name, shape, "float32", b.array());
    }

    TinyTfjsModel intConstant(String name, int[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return weight(name, shape, "int32", b.array());
    }

    private TinyTfjsModel weight(String name, int[] shape, String dtype, byte[] data) {
        ObjectNode w = weights.addObject().put("name", name).put("dtype", dtype);
        ArrayNode s = w.putArray("shape");
        for (int x : shape) s.add(x);
        bytes.writeBytes(data);
        return node(name, "Const", F.objectNode());
    }

    /** A node with inputs and attributes (see {@link #attrs}). */
    TinyTfjsModel node(String name, String op, ObjectNode attrs, String... inputs) {
        ObjectNode n = nodes.addObject().put("name", name).put("op", op);
        ArrayNode in = n.putArray("input");
        for (String i : inputs) in.add(i);
        n.set("attr", attrs);
        return this;
    }

    /** An attribute map from alternating names and AttrValue JSON nodes. */
    static ObjectNode attrs(Object... kv) {
        ObjectNode a = F.objectNode();
        for (int i = 0; i < kv.length; i += 2) a.set((String) kv[i], (ObjectNode) kv[i + 1]);
        return a;
    }

    static ObjectNode ints(int... v) {
        ObjectNode a = F.objectNode();
        ArrayNode list = a.putObject("list").putArray("i");
        for (int x : v) list.add(String.valueOf(x));
        return a;
    }

    static ObjectNode str(String s) {
        return F.objectNode().put("s", Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    }

    static ObjectNode strs(String... s) {
        ObjectNode a = F.objectNode();
        ArrayNode list = a.putObject("list").putArray("s");
        for (String x : s) list.add(Base64.getEncoder().encodeToString(x.getBytes(StandardCharsets.UTF_8)));
        return a;
    }

    static ObjectNode bool(boolean b) {
        return F.objectNode().put("b", b);
    }

    /** Writes {@code model.json} and {@code weights.bin} into {@code dir}; returns the model.json path. */
    Path write(Path dir) throws IOException {
        ObjectNode root = F.objectNode().put("format", "graph-model");
        root.putObject("modelTopology").set("node", nodes);
        ObjectNode group = root.putArray("weightsManifest").addObject();
        group.putArray("paths").add("weights.bin");
        group.set("weights", weights);
        Files.write(dir.resolve("weights.bin"), bytes.toByteArray());
        Path json = dir.resolve("model.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
        return json;
    }
}
