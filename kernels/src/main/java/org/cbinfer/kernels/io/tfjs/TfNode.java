package org.cbinfer.kernels.io.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.cbinfer.kernels.graph.ModelException;

/**
 * One node of a TensorFlow GraphDef as TFJS writes it in JSON: name, op type, data inputs (output 0 of other
 * nodes; control dependencies dropped), and typed access to its {@code attr} map (AttrValue JSON: {@code i}
 * as strings, {@code s} base64, lists under {@code list}).
 */
record TfNode(String name, String op, List<String> inputs, JsonNode attrs) {
    TfNode {
        inputs = List.copyOf(inputs);
        if (attrs == null) attrs = MissingNode.getInstance();
    }

    /** Parses a node; a reference to another output than 0 of a node is rejected (no supported op has several). */
    static TfNode parse(JsonNode json) {
        String name = json.path("name").asText(null);
        String op = json.path("op").asText(null);
        if (name == null || op == null) throw new ModelException(name, "GraphDef node without name or op: " + json);
        List<String> inputs = new ArrayList<>();
        for (JsonNode in : json.path("input")) {
            String ref = in.asText();
            if (ref.startsWith("^")) continue;
            int colon = ref.lastIndexOf(':');
            if (colon > 0) {
                String index = ref.substring(colon + 1);
                if (!index.equals("0")) {
                    throw new ModelException(name, "reads output " + index + " of '" + ref.substring(0, colon)
                            + "'; only single-output producers are supported");
                }
                ref = ref.substring(0, colon);
            }
            inputs.add(ref);
        }
        return new TfNode(name, op, inputs, json.get("attr"));
    }

    String input(int i) {
        if (i >= inputs.size()) throw new ModelException(name, op + " needs input " + i + " but has " + inputs.size() + " inputs");
        return inputs.get(i);
    }

    boolean has(String attr) {
        return !attrs.path(attr).isMissingNode();
    }

    /** An integer list attribute (strides, ksize, ...), or null when absent. */
    int[] ints(String attr) {
        if (!has(attr)) return null;
        JsonNode list = attrs.path(attr).path("list").path("i");
        int[] out = new int[list.size()];
        for (int k = 0; k < out.length; k++) out[k] = toInt(attr, list.get(k));
        return out;
    }

    /** An integer list attribute that must be present with {@code length} entries. */
    int[] ints(String attr, int length) {
        int[] v = ints(attr);
        if (v == null || v.length != length) {
            throw new ModelException(name, op + " attribute '" + attr + "' must list " + length + " integers, got "
                    + (v == null ? "none" : Arrays.toString(v)));
        }
        return v;
    }

    /** A string attribute (stored base64), or {@code fallback} when absent. */
    String string(String attr, String fallback) {
        JsonNode s = attrs.path(attr).path("s");
        return s.isMissingNode() ? fallback : decode(s);
    }

    /** A list-of-strings attribute (e.g. {@code fused_ops}); empty when absent. */
    List<String> strings(String attr) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : attrs.path(attr).path("list").path("s")) out.add(decode(s));
        return out;
    }

    boolean bool(String attr, boolean fallback) {
        JsonNode b = attrs.path(attr).path("b");
        return b.isMissingNode() ? fallback : b.asBoolean();
    }

    float number(String attr, float fallback) {
        JsonNode f = attrs.path(attr).path("f");
        return f.isMissingNode() ? fallback : (float) f.asDouble();
    }

    /**
     * The dimensions of a shape attribute ({@code Placeholder}'s {@code shape}), -1 where unknown,
     * or null when even the rank is unknown.
     */
    int[] shape(String attr) {
        JsonNode s = attrs.path(attr).path("shape");
        if (s.isMissingNode() || s.path("unknownRank").asBoolean(false)) return null;
        JsonNode dims = s.path("dim");
        int[] out = new int[dims.size()];
        for (int k = 0; k < out.length; k++) out[k] = toInt(attr, dims.get(k).path("size"));
        return out;
    }

    private int toInt(String attr, JsonNode v) {
        long x = v.isMissingNode() ? 0 : v.asLong(Long.MIN_VALUE);
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE || (v.isTextual() && !v.asText().matches("-?\\d+"))) {
            throw new ModelException(name, op + " attribute '" + attr + "' holds a non-integer or out-of-range value " + v);
        }
        return (int) x;
    }

    private static String decode(JsonNode s) {
        return new String(Base64.getDecoder().decode(s.asText()), StandardCharsets.UTF_8);
    }
}
