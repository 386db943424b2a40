package org.cbinfer.kernels.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.onnx.OnnxModelLoader;
import org.cbinfer.kernels.io.tfjs.TfjsModelLoader;

/** Loads a model file by its kind: a TensorFlow.js graph model ({@code model.json} + shards) or ONNX. */
public final class ModelFiles {
    private ModelFiles() {}

    public static Graph load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("model file not found: " + file);
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".json")) return TfjsModelLoader.load(file);
        if (name.endsWith(".onnx")) return OnnxModelLoader.load(file);
        throw new ModelException(null, file + ": unknown model format (expected a TensorFlow.js model.json or an .onnx file)");
    }
}
