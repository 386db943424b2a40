package org.cbinfer.kernels.io.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cbinfer.kernels.io.onnx.proto.ModelProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.ValueInfoProto;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/**
 * One case of ONNX's backend test data: {@code model.onnx} and {@code test_data_set_0/input_N.pb, output_N.pb}.
 * As in ONNX's own runner, input N feeds the N-th graph input that is not an initializer, output N is the
 * N-th graph output.
 */
record OnnxTestCase(String suite, String name, Path dir) {
    /** The cases of a suite ({@code onnx-node}, {@code onnx-pytorch}) in name order. */
    static List<OnnxTestCase> all(String suite) {
        try (Stream<Path> dirs = Files.list(TestData.file(suite))) {
            return dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted()
                    .map(d -> new OnnxTestCase(suite, d.getFileName().toString(), d)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Dynamic tests over the cases of a suite; without the sample data, one test that is skipped with the reason
     * (or fails in CI) - a test factory that threw would be reported as no test at all.
     */
    static Stream<DynamicNode> dynamicTests(String suite, Function<List<OnnxTestCase>, Stream<? extends DynamicNode>> tests) {
        List<OnnxTestCase> cases;
        try {
            cases = all(suite);
        } catch (TestAbortedException missing) {
            return Stream.of(DynamicTest.dynamicTest(suite + " cases", () -> {
                throw missing;
            }));
        }
        return tests.apply(cases).map(DynamicNode.class::cast);
    }

    String id() {
        return suite + "/" + name;
    }

    ModelProto model() {
        return OnnxModelLoader.parse(read(dir.resolve("model.onnx")));
    }

    /** Every test input by graph input name, in graph order. */
    Map<String, TensorProto> inputs() {
        ModelProto m = model();
        Set<String> initializers = new HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<TensorProto> values = tensors("input");
        Map<String, TensorProto> byName = new LinkedHashMap<>();
        int i = 0;
        for (ValueInfoProto in : m.getGraph().getInputList()) {
            if (!initializers.contains(in.getName()) && i < values.size()) byName.put(in.getName(), values.get(i++));
        }
        return byName;
    }

    /** The expected outputs by graph output name. */
    Map<String, TensorProto> outputs() {
        List<TensorProto> values = tensors("output");
        Map<String, TensorProto> byName = new LinkedHashMap<>();
        List<ValueInfoProto> outs = model().getGraph().getOutputList();
        for (int i = 0; i < outs.size(); i++) byName.put(outs.get(i).getName(), values.get(i));
        return byName;
    }

    private List<TensorProto> tensors(String kind) {
        List<TensorProto> r = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path p = dir.resolve("test_data_set_0").resolve(kind + "_" + i + ".pb");
            if (!Files.exists(p)) return r;
            try {
                r.add(TensorProto.parseFrom(read(p)));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("not a TensorProto: " + p, e);
            }
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
