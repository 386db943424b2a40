package org.cbinfer.kernels.io.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.onnx.proto.GraphProto;
import org.cbinfer.kernels.io.onnx.proto.ModelProto;
import org.cbinfer.kernels.io.onnx.proto.NodeProto;
import org.cbinfer.kernels.io.onnx.proto.OperatorSetIdProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorShapeProto;
import org.cbinfer.kernels.io.onnx.proto.TypeProto;
import org.cbinfer.kernels.io.onnx.proto.ValueInfoProto;

/**
 * Imports an ONNX model ({@code .onnx} file) as the engine's {@link Graph}.
 *
 * <p>Initializers and {@code Constant} nodes become constants; inputs that are op parameters (weights,
 * Reshape shapes, Pad pads, Resize scales and sizes, Clip bounds, ...) are folded into the ops, so the
 * graph computes on float32 frames only. Opsets 1 to 21 of the default domain are read with each
 * version's attribute and input conventions. Graph outputs keep their ONNX names.
 *
 * <p>Anything the engine cannot run faithfully fails with a {@link ModelException} naming the node:
 * an unsupported op (the message lists the supported ones), a non-float input, an attribute value the
 * engine lacks (e.g. cubic resize), a parameter that is not constant.
 */
public final class OnnxModelLoader {
    /** The oldest default-domain opset version the importer reads. */
    public static final int MIN_OPSET = 1;
    /** The newest default-domain opset version the importer knows the conventions of. */
    public static final int MAX_OPSET = 21;

    private OnnxModelLoader() {}

    /** Reads and imports an {@code .onnx} file; all its graph inputs are frames. */
    public static Graph load(Path file) throws IOException {
        return load(Files.readAllBytes(file));
    }

    /** Imports a serialized model; all its graph inputs are frames. */
    public static Graph load(byte[] model) {
        return load(parse(model), Map.of());
    }

    /**
     * Imports a parsed model, with some graph inputs fixed to values as if they were initializers.
     * ONNX's operator tests feed weights, pads and scales as graph inputs; binding those that
     * {@link #parameterInputs} names lets such models import.
     */
    public static Graph load(ModelProto model, Map<String, TensorProto> boundInputs) {
        return load(model, boundInputs, Map.of());
    }

    /**
     * Imports a parsed model with bound inputs (see {@link #load(ModelProto, Map)}) and with the shapes of
     * some graph inputs replaced: a model exported for a fixed batch of N frames runs frame by frame with
     * batch 1 (-1 marks a dimension known only when a frame arrives).
     */
    public static Graph load(ModelProto model, Map<String, TensorProto> boundInputs, Map<String, int[]> inputShapes) {
        if (!model.hasGraph()) throw new ModelException(null, "the model has no graph");
        GraphProto g = model.getGraph();
        ImportContext ctx = new ImportContext(defaultOpset(model), valueNames(g));
        for (TensorProto t : g.getInitializerList()) ctx.addConstant(t.getName(), t);
        Set<String> inputNames = new HashSet<>();
        for (ValueInfoProto in : g.getInputList()) inputNames.add(in.getName());
        boundInputs.forEach((name, value) -> {
            if (!inputNames.contains(name)) throw new ModelException(name, "bound value is not a graph input");
            ctx.addConstant(name, value);
        });
        inputShapes.keySet().forEach(name -> {
            if (!inputNames.contains(name) || ctx.constant(name) != null) {
                throw new ModelException(name, "shape given for a value that is not an unbound graph input");
            }
        });
        for (ValueInfoProto in : g.getInputList()) {
            if (ctx.constant(in.getName()) != null) continue;
            int[] declared = floatInputShape(in);
            int[] shape = inputShapes.getOrDefault(in.getName(), declared);
            if (shape.length != declared.length) {
                throw new ModelException(in.getName(), "given shape " + Arrays.toString(shape) + " has another rank than the declared "
                        + Arrays.toString(declared));
            }
            ctx.addInput(in.getName(), shape);
        }
        for (NodeProto node : g.getNodeList()) convert(node, ctx);
        return ctx.build(g.getOutputList().stream().map(ValueInfoProto::getName).toList());
    }

    /** Parses model bytes, or fails with a {@link ModelException} if they are not an ONNX model. */
    public static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(null, "not an ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Graph inputs (not initializers) that feed an input the importer folds into op parameters, such as
     * a Conv weight or a Resize scale vector: they must be bound to values at import time.
     */
    public static Set<String> parameterInputs(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> inputs = new HashSet<>();
        for (ValueInfoProto in : g.getInputList()) inputs.add(in.getName());
        for (TensorProto t : g.getInitializerList()) inputs.remove(t.getName());
        Set<String> parameters = new LinkedHashSet<>();
        for (NodeProto node : g.getNodeList()) {
            OpConverters.Entry e = isDefaultDomain(node.getDomain()) ? OpConverters.get(node.getOpType()) : null;
            if (e == null) continue;
            for (int i = e.firstParameterInput(); i < node.getInputCount(); i++) {
                if (inputs.contains(node.getInput(i))) parameters.add(node.getInput(i));
            }
        }
        return parameters;
    }

    /** The op types of the default ONNX domain that the importer supports. */
    public static SortedSet<String> supportedOps() {
        return OpConverters.supported();
    }

    private static void convert(NodeProto node, ImportContext ctx) {
        OnnxNode n = new OnnxNode(node, ctx);
        OpConverters.Entry e = isDefaultDomain(node.getDomain()) ? OpConverters.get(node.getOpType()) : null;
        if (e == null) {
            String domain = isDefaultDomain(node.getDomain()) ? "" : " of domain '" + node.getDomain() + "'";
            throw new ModelException(n.name(), "unsupported op '" + node.getOpType() + "'" + domain
                    + "; supported ops: " + String.join(", ", OpConverters.supported()));
        }
        if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) throw n.fail("has no output");
        try {
            e.converter().convert(n);
        } catch (IllegalArgumentException ex) {
            throw n.fail(ex.getMessage());
        }
    }

    private static int defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (isDefaultDomain(o.getDomain())) {
                if (o.getVersion() < MIN_OPSET || o.getVersion() > MAX_OPSET) {
                    throw new ModelException(null, "opset " + o.getVersion() + " is not supported (" + MIN_OPSET + " to " + MAX_OPSET + ")");
                }
                return (int) o.getVersion();
            }
        }
        if (model.getOpsetImportCount() > 0) throw new ModelException(null, "the model does not import the default ONNX opset");
        return MIN_OPSET;
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** Every value name in the graph (so helper nodes get names that clash with none). */
    private static Set<String> valueNames(GraphProto g) {
        Set<String> names = new HashSet<>();
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        for (NodeProto n : g.getNodeList()) names.addAll(n.getOutputList());
        return names;
    }

    /** The shape of a float graph input, -1 for symbolic or unknown dimensions. */
    private static int[] floatInputShape(ValueInfoProto in) {
        TypeProto.Tensor t = in.getType().getTensorType();
        if (t.getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException(in.getName(), "graph input has element type " + OnnxTensors.typeName(t.getElemType())
                    + "; the engine computes on float32 only");
        }
        if (!t.hasShape()) throw new ModelException(in.getName(), "graph input has no shape (not even a rank)");
        List<TensorShapeProto.Dimension> dims = t.getShape().getDimList();
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue()) {
                shape[i] = -1;
            } else if (d.getDimValue() < 0 || d.getDimValue() > Integer.MAX_VALUE) {
                throw new ModelException(in.getName(), "graph input dimension " + d.getDimValue() + " out of range");
            } else {
                shape[i] = (int) d.getDimValue();
            }
        }
        return shape;
    }
}
