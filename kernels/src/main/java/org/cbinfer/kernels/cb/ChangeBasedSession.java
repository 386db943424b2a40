package org.cbinfer.kernels.cb;

import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.Tensor;

/** One stream through a change-based engine: the engine and that stream's state, for single-camera use. */
public final class ChangeBasedSession {
    private final ChangeBasedEngine engine;
    private final StreamState state;

    public ChangeBasedSession(Graph graph, Thresholds thresholds) {
        this(new ChangeBasedEngine(graph, thresholds));
    }

    public ChangeBasedSession(ChangeBasedEngine engine) {
        this.engine = engine;
        this.state = engine.newState();
    }

    public FrameResult process(Map<String, Tensor> inputs) {
        return engine.process(state, inputs);
    }

    public FrameResult process(Tensor input) {
        return engine.process(state, input);
    }

    /** The next frame is a keyframe (dense pass that re-initialises the state). */
    public void reset() {
        state.requestKeyframe();
    }

    public ChangeBasedEngine engine() {
        return engine;
    }

    public StreamState state() {
        return state;
    }
}
