package org.cbinfer.kernels.io.tfjs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.tensor.Shapes;

/** Reads the weight shards a manifest lists (relative to the model's folder, never outside it) and decodes them. */
final class WeightFiles {
    private WeightFiles() {}

    /** All weights of the manifest by name. */
    static Map<String, TfTensor> read(Path folder, List<WeightSpec.Group> manifest) throws IOException {
        Map<String, TfTensor> all = new HashMap<>();
        for (WeightSpec.Group g : manifest) {
            for (Map.Entry<String, TfTensor> e : WeightDecoder.decode(g.weights(), concatenate(folder, g)).entrySet()) {
                if (all.put(e.getKey(), e.getValue()) != null) {
                    throw new ModelException(e.getKey(), "weight listed twice in the manifest");
                }
            }
        }
        return all;
    }

    private static byte[] concatenate(Path folder, WeightSpec.Group g) throws IOException {
        String first = g.weights().isEmpty() ? null : g.weights().get(0).name();
        Path base = folder.toAbsolutePath().normalize();
        Path[] files = new Path[g.paths().size()];
        long total = 0;
        for (int i = 0; i < files.length; i++) {
            files[i] = base.resolve(g.paths().get(i)).normalize();
            if (!files[i].startsWith(base)) {
                throw new ModelException(first, "weights path '" + g.paths().get(i) + "' points outside the model folder");
            }
            if (!Files.isRegularFile(files[i])) {
                throw new ModelException(first, "weights file " + files[i] + " (of the group holding this weight) is missing");
            }
            total += Files.size(files[i]);
        }
        if (total > Shapes.MAX_ELEMENTS) throw new ModelException(first, "weight group of " + total + " bytes is too large");
        byte[] bytes = new byte[(int) total];
        int at = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                int n = in.readNBytes(bytes, at, bytes.length - at);
                at += n;
                if (in.read() != -1) throw new ModelException(first, "weights file " + f + " grew while being read");
            }
        }
        if (at != bytes.length) throw new ModelException(first, "weights files shrank while being read");
        return bytes;
    }
}
