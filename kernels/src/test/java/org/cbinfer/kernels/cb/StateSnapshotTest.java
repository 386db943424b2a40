package org.cbinfer.kernels.cb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.RandomGraphs;
import org.junit.jupiter.api.Test;

/** A stream restored from its snapshot continues exactly as if it had never stopped. */
class StateSnapshotTest {

    @Property(tries = 150)
    void aRestoredStreamContinuesBitIdentically(@ForAll long seed, @ForAll @FloatRange(min = 0f, max = 0.3f) float th) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(th));
        List<Tensor> frames = RandomGraphs.frames(seed * 31, g.inputShape(), 8, 0.05f);
        StreamState live = engine.newState();
        for (Tensor f : frames.subList(0, 4)) engine.process(live, f);
        StreamState restored = engine.restore(live.snapshot());
        for (Tensor f : frames.subList(4, 8)) {
            FrameResult a = engine.process(live, f);
            FrameResult b = engine.process(restored, f);
            assertFalse(b.stats().keyframe(), "a restored stream needs no keyframe");
            for (Map.Entry<String, Tensor> e : a.outputs().entrySet()) {
                assertArrayEquals(e.getValue().data(), b.outputs().get(e.getKey()).data(), e.getKey());
            }
        }
    }

    @Test
    void aSnapshotOfAnotherSizeIsRejected() {
        RandomGraphs.Generated g = RandomGraphs.generate(7, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(0f));
        StreamState s = engine.newState();
        engine.process(s, RandomGraphs.frames(1, g.inputShape(), 1, 0f).get(0));
        StateSnapshot snap = s.snapshot();
        StateSnapshot truncated = new StateSnapshot(snap.inputShapes(), snap.frames(), List.of(new float[3]), snap.committed());
        assertThrows(IllegalArgumentException.class, () -> engine.restore(truncated));
    }
}
