package org.cbinfer.kernels.cb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames the engine must refuse, densely and change-based, with a {@link ModelException} that names the graph
 * input and what is wrong, before any work or allocation; a refused frame leaves a stream's state as it was.
 */
class BadFramesTest {

    /** "frame" [1, 1, h, w] -> 3x3 conv; any spatial size. */
    private static final Graph NET = Graph.builder().input("frame", 1, 1, -1, -1)
            .node("conv", ChangeBasedSemanticsTest.conv(1, 1, 3, 1, Padding.symmetric(1, 1)), "frame").output("conv").build();

    /** Runs a frame through a fresh dense executor and a fresh change-based session; both must refuse it alike. */
    private static ModelException refusedByBoth(Graph g, Map<String, Tensor> inputs) {
        ModelException dense = assertThrows(ModelException.class, () -> new DenseExecutor(g).run(inputs), "dense");
        ModelException cb = assertThrows(ModelException.class,
                () -> new ChangeBasedSession(g, Thresholds.uniform(0f)).process(inputs), "change-based");
        assertEquals(dense.getMessage(), cb.getMessage());
        return dense;
    }

    private static ModelException refusedByBoth(Tensor frame) {
        return refusedByBoth(NET, Map.of("frame", frame));
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) assertTrue(message.contains(f), "'" + f + "' in: " + message);
    }

    private static Tensor frameWith(int index, float value) {
        Tensor t = Tensor.zeros(1, 1, 3, 4);
        t.data()[index] = value;
        return t;
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void nonFiniteValuesAreRefusedNamingTheInputAndTheIndex(float bad) {
        ModelException e = refusedByBoth(frameWith(7, bad));
        assertEquals("frame", e.node());
        assertContains(e.getMessage(), "node 'frame'", "input value " + bad, "at flat index 7", "is not finite");
    }

    @Test
    void theFirstNonFiniteValueIsReported() {
        Tensor t = frameWith(9, Float.NaN);
        t.data()[2] = Float.POSITIVE_INFINITY;
        assertContains(refusedByBoth(t).getMessage(), "Infinity at flat index 2");
    }

    @Test
    void aZeroSizedFrameIsRefused() {
        ModelException e = refusedByBoth(Tensor.of(new int[] {1, 3, 0, 5}, new float[0]));
        assertEquals("frame", e.node());
        assertContains(e.getMessage(), "empty input [1, 3, 0, 5]");
    }

    @Test
    void aFrameOfTheWrongShapeIsRefused() {
        Graph rgb = Graph.builder().input("frame", 1, 3, -1, -1).node("add", new Binary(Binary.Kind.ADD), "frame", "frame")
                .output("add").build();
        ModelException e = refusedByBoth(rgb, Map.of("frame", Tensor.zeros(1, 1, 4, 4)));
        assertEquals("frame", e.node());
        assertContains(e.getMessage(), "input shape [1, 1, 4, 4] does not fit [1, 3, -1, -1]");
        assertContains(refusedByBoth(rgb, Map.of("frame", Tensor.zeros(3, 4, 4))).getMessage(), "input shape [3, 4, 4]");
    }

    @Test
    void aMissingGraphInputIsRefusedByName() {
        Graph two = Graph.builder().input("a", 1, 1, 2, 2).input("b", 1, 1, 2, 2)
                .node("sum", new Binary(Binary.Kind.ADD), "a", "b").output("sum").build();
        ModelException e = refusedByBoth(two, Map.of("a", Tensor.zeros(1, 1, 2, 2)));
        assertEquals("b", e.node());
        assertContains(e.getMessage(), "graph input missing", "[a]");
        // the single-tensor convenience feeds the first input only
        assertEquals("b", assertThrows(ModelException.class, () -> new DenseExecutor(two).run(Tensor.zeros(1, 1, 2, 2))).node());
    }

    @Test
    void anAbsurdInputShapeIsRefusedBeforeAnythingIsAllocated() {
        // 3 * 100000 * 100000 = 3e10 values (120 GB): shape inference refuses it from the shape alone
        ModelException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(ModelException.class, () -> NET.inferShapes(new int[] {1, 1, 100000, 100000})));
        assertEquals("frame", e.node());
        assertContains(e.getMessage(), "[1, 1, 100000, 100000]", "more than " + Shapes.MAX_ELEMENTS + " elements");
        // nor can such a frame be made: the tensor refuses the shape before allocating
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 3, 100000, 100000));
        assertContains(t.getMessage(), "more than " + Shapes.MAX_ELEMENTS + " elements");
    }

    @Test
    void aNodeWhoseOutputWouldBeAbsurdIsRefusedBeforeAnythingIsAllocated() {
        // a real 3x200x200 frame, resized x1000 -> [1, 3, 200000, 200000] = 1.2e11 values: named, refused, not allocated
        Graph up = Graph.builder().input("frame", 1, 3, -1, -1)
                .node("up", Resize.byScale(Resize.Mode.NEAREST, Resize.CoordinateMode.ASYMMETRIC, Resize.NearestMode.FLOOR, 1000, 1000), "frame")
                .output("up").build();
        Tensor frame = Tensor.zeros(1, 3, 200, 200);
        ModelException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refusedByBoth(up, Map.of("frame", frame)));
        assertEquals("up", e.node());
        assertContains(e.getMessage(), "[1, 3, 200000, 200000]", "more than " + Shapes.MAX_ELEMENTS + " elements");
    }

    @Test
    void aPlanWhoseValuesCannotFitInTheHeapIsRefusedBeforeAnythingIsAllocated() {
        // every tensor is under the per-tensor limit, but together they cannot fit: a 100x100 frame resized x440 by four
        // branches -> 4 x [1, 1, 44000, 44000] = 4 x 1.936e9 floats = 31 GB of intermediate values, all alive at once
        long needed = 4L * 44000 * 44000 * Float.BYTES;
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < needed, "the heap is large enough to try");
        Graph.Builder b = Graph.builder().input("frame", 1, 1, -1, -1);
        for (int i = 0; i < 4; i++) {
            b.node("up" + i, Resize.byScale(Resize.Mode.NEAREST, Resize.CoordinateMode.ASYMMETRIC, Resize.NearestMode.FLOOR, 440, 440), "frame")
                    .output("up" + i);
        }
        Graph wide = b.build();
        ModelException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> refusedByBoth(wide, Map.of("frame", Tensor.zeros(1, 1, 100, 100))));
        assertTrue(e.node().startsWith("up"), e.getMessage());
        assertContains(e.getMessage(), "[1, 1, 44000, 44000]", "heap");
    }

    @Test
    void aRefusedFrameLeavesTheStreamStateAsItWas() {
        ChangeBasedSession cb = new ChangeBasedSession(NET, Thresholds.uniform(0f));
        Tensor good = ChangeBasedSemanticsTest.image(5, 5);
        FrameResult first = cb.process(good);
        Function<Tensor, ModelException> refuse = t -> assertThrows(ModelException.class, () -> cb.process(t));
        refuse.apply(frameWith(3, Float.NaN));
        refuse.apply(Tensor.of(new int[] {1, 1, 0, 5}, new float[0]));
        refuse.apply(Tensor.zeros(1, 2, 5, 5));
        FrameResult again = cb.process(good.copy());
        assertFalse(again.stats().keyframe(), "the stream continues where it was");
        assertEquals(1, again.stats().frame(), "refused frames are not counted");
        assertEquals(0, again.stats().macs());
        assertArrayEquals(first.outputs().get("conv").data(), again.outputs().get("conv").data());
    }
}
