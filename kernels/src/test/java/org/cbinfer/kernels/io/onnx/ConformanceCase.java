package org.cbinfer.kernels.io.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.onnx.proto.ModelProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * How an ONNX test case is fed to the engine. Inputs that are op parameters (weights, pads, scales, given
 * as graph inputs in ONNX's operator tests) are bound at import; the others are frames. The engine runs
 * one frame (batch 1) at a time, so a case whose 4-D inputs hold a batch of N samples runs as N frames,
 * imported with batch 1, its expected outputs split likewise.
 */
final class ConformanceCase {
    private final OnnxTestCase source;
    private final ModelProto model;
    private final Map<String, TensorProto> bound = new LinkedHashMap<>();
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();
    private final Map<String, Tensor> expected = new LinkedHashMap<>();
    private final int batch;

    ConformanceCase(OnnxTestCase source) {
        this.source = source;
        this.model = source.model();
        Set<String> parameters = OnnxModelLoader.parameterInputs(model);
        source.inputs().forEach((name, value) -> {
            if (parameters.contains(name)) {
                bound.put(name, value);
            } else {
                inputs.put(name, OnnxTensors.toTensor(value));
            }
        });
        source.outputs().forEach((name, value) -> expected.put(name, OnnxTensors.toTensor(value)));
        this.batch = commonImageBatch(inputs.values());
    }

    String id() {
        return source.id();
    }

    /** The samples per frame sequence: N for a batch of N images, else 1. */
    int batch() {
        return batch;
    }

    Graph importGraph() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (batch > 1) inputs.forEach((name, t) -> shapes.put(name, sample(t, 0).shape()));
        return OnnxModelLoader.load(model, bound, shapes);
    }

    /** The frames to feed, one per sample. */
    List<Map<String, Tensor>> frames() {
        return split(inputs);
    }

    /** The expected outputs, one map per frame. */
    List<Map<String, Tensor>> expectedOutputs() {
        return split(expected);
    }

    private List<Map<String, Tensor>> split(Map<String, Tensor> values) {
        List<Map<String, Tensor>> r = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : values.entrySet()) m.put(e.getKey(), batch == 1 ? e.getValue() : sample(e.getValue(), i));
            r.add(m);
        }
        return r;
    }

    /** N if every frame input is a 4-D batch of N > 1 images, else 1. */
    private static int commonImageBatch(Iterable<Tensor> inputs) {
        int n = -1;
        for (Tensor t : inputs) {
            if (t.rank() != 4 || (n >= 0 && t.dim(0) != n)) return 1;
            n = t.dim(0);
        }
        return Math.max(n, 1);
    }

    /** Sample {@code i} of a batch, as a batch of one. */
    private static Tensor sample(Tensor t, int i) {
        int[] shape = t.shape();
        if (shape.length == 0 || shape[0] <= i) throw new IllegalStateException("no sample " + i + " in " + t);
        int per = t.size() / shape[0];
        shape[0] = 1;
        float[] v = new float[per];
        System.arraycopy(t.data(), i * per, v, 0, per);
        return Tensor.of(shape, v);
    }
}
