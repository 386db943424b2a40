package org.cbinfer.kernels.backend;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.DenseResult;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.post.LabelOutputs;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The exact reference: {@link ChangeBasedEngine} on the CPU. A batch runs its frames one after another. Label maps
 * are made from the full outputs by {@link org.cbinfer.kernels.post.LabelRule}, the rule the GPU kernel follows.
 */
final class CpuBackend implements Backend {
    private final ChangeBasedEngine engine;
    private final DenseExecutor dense;
    private final LabelOutputs labelOutputs;

    CpuBackend(Graph graph, Thresholds thresholds, boolean recursive, DenseFallback fallback, LabelOutputs labelOutputs) {
        this.engine = new ChangeBasedEngine(graph, thresholds, recursive, fallback);
        this.dense = new DenseExecutor(engine.graph());
        this.labelOutputs = labelOutputs;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Graph graph() {
        return engine.graph();
    }

    @Override
    public Thresholds thresholds() {
        return engine.thresholds();
    }

    @Override
    public DenseFallback fallback() {
        return engine.fallback();
    }

    @Override
    public Precision precision() {
        return Precision.FP32;
    }

    @Override
    public LabelOutputs labelOutputs() {
        return labelOutputs;
    }

    @Override
    public BackendStream newStream() {
        return new CpuStream(engine.newState());
    }

    @Override
    public BackendStream restore(StateSnapshot snapshot) {
        return new CpuStream(engine.restore(snapshot));
    }

    @Override
    public List<FrameResult> process(List<BackendStream> streams, List<Map<String, Tensor>> inputs) {
        if (streams.size() != inputs.size()) {
            throw new IllegalArgumentException(streams.size() + " streams but " + inputs.size() + " frames");
        }
        Map<BackendStream, Boolean> seen = new IdentityHashMap<>();
        for (BackendStream s : streams) {
            if (!(s instanceof CpuStream)) throw new IllegalArgumentException("stream of another backend: " + s);
            if (seen.put(s, Boolean.TRUE) != null) throw new IllegalArgumentException("a stream appears twice in one batch");
        }
        List<FrameResult> results = new ArrayList<>(streams.size());
        for (int i = 0; i < streams.size(); i++) {
            FrameResult r = engine.process(((CpuStream) streams.get(i)).state, inputs.get(i));
            results.add(new FrameResult(labelOutputs.tensors(r.outputs()), labelOutputs.labels(r.outputs()), r.stats()));
        }
        return results;
    }

    @Override
    public List<DenseResult> denseResults(List<Map<String, Tensor>> inputs) {
        return inputs.stream().map(dense::run)
                .map(out -> new DenseResult(labelOutputs.tensors(out), labelOutputs.labels(out))).toList();
    }

    @Override
    public void close() {}

    /** A CPU stream: the engine's {@link StreamState}, in host memory. */
    static final class CpuStream implements BackendStream {
        final StreamState state;

        CpuStream(StreamState state) {
            this.state = state;
        }

        @Override
        public long frames() {
            return state.frames();
        }

        @Override
        public void requestKeyframe() {
            state.requestKeyframe();
        }

        @Override
        public boolean keyframePending() {
            return state.keyframePending();
        }

        @Override
        public StateSnapshot snapshot() {
            StateSnapshot live = state.snapshot();
            if (live == null) return null;
            List<float[]> inputs = live.lastInputs().stream().map(float[]::clone).toList();
            List<float[]> committed = live.committed().stream().map(float[]::clone).toList();
            return new StateSnapshot(live.inputShapes(), live.frames(), inputs, committed, live.layerModes());
        }

        @Override
        public long bytes() {
            return state.bytes();
        }

        @Override
        public void close() {}
    }
}
