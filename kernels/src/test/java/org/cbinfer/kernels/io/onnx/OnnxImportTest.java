package org.cbinfer.kernels.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ONNX conformance model imports, and the graph's shape inference gives the expected output shapes;
 * every excluded case is one the importer rejects because of its data type.
 */
class OnnxImportTest {
    private static final Map<String, String> EXCLUDED = ConformanceExclusions.load();

    @TestFactory
    Stream<DynamicNode> onnxNodeModelsImportWithTheExpectedOutputShapes() {
        return OnnxTestCase.dynamicTests("onnx-node", OnnxImportTest::cases);
    }

    @TestFactory
    Stream<DynamicNode> onnxPytorchModelsImportWithTheExpectedOutputShapes() {
        return OnnxTestCase.dynamicTests("onnx-pytorch", OnnxImportTest::cases);
    }

    @Test
    void everyExcludedCaseExists() {
        for (String id : EXCLUDED.keySet()) {
            String[] p = id.split("/", 2);
            assertTrue(OnnxTestCase.all(p[0]).stream().anyMatch(c -> c.name().equals(p[1])), "no such case: " + id);
        }
    }

    private static Stream<DynamicTest> cases(List<OnnxTestCase> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> {
                    if (EXCLUDED.containsKey(c.id())) {
                        assertRejectedForItsDataType(c);
                    } else {
                        assertImportsWithExpectedShapes(new ConformanceCase(c));
                    }
                }));
    }

    private static void assertImportsWithExpectedShapes(ConformanceCase c) {
        Graph g = c.importGraph();
        Map<String, Tensor> frame = c.frames().get(0);
        Map<String, int[]> inputShapes = new HashMap<>();
        frame.forEach((name, t) -> inputShapes.put(name, t.shape()));
        Map<String, int[]> shapes = g.inferShapes(inputShapes);
        Map<String, Tensor> expected = c.expectedOutputs().get(0);
        assertEquals(List.copyOf(expected.keySet()), g.outputs(), "graph outputs keep their ONNX names");
        expected.forEach((name, t) -> assertArrayEquals(t.shape(), shapes.get(name), "shape of output " + name));
    }

    private static void assertRejectedForItsDataType(OnnxTestCase c) {
        ModelException e = assertThrows(ModelException.class, () -> new ConformanceCase(c).importGraph());
        assertTrue(e.getMessage().contains("float32 only"), e.getMessage());
    }
}
