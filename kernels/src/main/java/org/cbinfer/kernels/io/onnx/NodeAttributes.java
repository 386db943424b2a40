package org.cbinfer.kernels.io.onnx;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.onnx.proto.AttributeProto;
import org.cbinfer.kernels.io.onnx.proto.AttributeProto.AttributeType;
import org.cbinfer.kernels.io.onnx.proto.NodeProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;

/**
 * Typed access to a node's attributes with the defaults the ONNX operator specification gives;
 * an attribute of the wrong type fails naming the node and the attribute.
 */
final class NodeAttributes {
    private final String node;
    private final Map<String, AttributeProto> byName = new HashMap<>();

    NodeAttributes(NodeProto proto, String node) {
        this.node = node;
        for (AttributeProto a : proto.getAttributeList()) byName.put(a.getName(), a);
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long getInt(String name, long dflt) {
        AttributeProto a = get(name, AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    float getFloat(String name, float dflt) {
        AttributeProto a = get(name, AttributeType.FLOAT);
        return a == null ? dflt : a.getF();
    }

    String getString(String name, String dflt) {
        AttributeProto a = get(name, AttributeType.STRING);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** The list, or {@code dflt} (may be null) when absent. */
    long[] getInts(String name, long[] dflt) {
        AttributeProto a = get(name, AttributeType.INTS);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The list, or {@code dflt} (may be null) when absent. */
    float[] getFloats(String name, float[] dflt) {
        AttributeProto a = get(name, AttributeType.FLOATS);
        if (a == null) return dflt;
        float[] r = new float[a.getFloatsCount()];
        for (int i = 0; i < r.length; i++) r[i] = a.getFloats(i);
        return r;
    }

    TensorProto getTensor(String name) {
        AttributeProto a = get(name, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    private AttributeProto get(String name, AttributeType expected) {
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        AttributeType actual = a.hasType() ? a.getType() : inferType(a);
        if (actual != expected) {
            throw new ModelException(node, "attribute '" + name + "' is " + actual + ", expected " + expected);
        }
        return a;
    }

    /** Models written before the type field existed (IR version 1) say the type only by the field set. */
    private static AttributeType inferType(AttributeProto a) {
        if (a.hasF()) return AttributeType.FLOAT;
        if (a.hasI()) return AttributeType.INT;
        if (a.hasS()) return AttributeType.STRING;
        if (a.hasT()) return AttributeType.TENSOR;
        if (a.getFloatsCount() > 0) return AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeType.STRINGS;
        return AttributeType.UNDEFINED;
    }
}
