package org.cbinfer.operators.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.testkit.TestData;

/**
 * The golden outputs in the sample data ({@link TestData}; made by golden/make-golden): the NHWC float32 files
 * TensorFlow.js wrote, listed in {@code golden/<model>.manifest.json}; they come back here as NCHW tensors by output
 * name.
 */
final class GoldenData {
    private GoldenData() {}

    /** The sample data directory, with its golden outputs (else the calling test is skipped, or fails in CI). */
    static Path root() {
        return TestData.file("golden").getParent();
    }

    /** Input size the golden set was computed at (the manifest's width and height). */
    record Size(int width, int height) {}

    static Size inputSize(String model) throws IOException {
        JsonNode m = manifest(model);
        return new Size(m.path("width").asInt(), m.path("height").asInt());
    }

    /** Per golden frame, its outputs by name as NCHW tensors. */
    static List<Map<String, Tensor>> outputs(String model) throws IOException {
        Path dir = root().resolve("golden");
        JsonNode manifest = manifest(model);
        List<Map<String, Tensor>> frames = new ArrayList<>();
        for (JsonNode frame : manifest.path("frames")) {
            Map<String, Tensor> outs = new LinkedHashMap<>();
            for (JsonNode out : frame.path("outputs")) {
                JsonNode s = out.path("shape");
                int n = s.get(0).asInt(), h = s.get(1).asInt(), w = s.get(2).asInt(), c = s.get(3).asInt();
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(out.path("file").asText())))
                        .order(ByteOrder.LITTLE_ENDIAN);
                float[] nhwc = new float[bytes.remaining() / 4];
                bytes.asFloatBuffer().get(nhwc);
                if (nhwc.length != n * h * w * c) throw new IOException(out.path("file").asText() + ": size does not match shape " + s);
                outs.put(out.path("name").asText(), ImageTensors.fromNhwc(nhwc, n, h, w, c));
            }
            frames.add(outs);
        }
        return frames;
    }

    /** The golden input frames (raw RGB, back to back) as network inputs scaled per the manifest. */
    static List<Tensor> inputs(String model, String framesFile) throws IOException {
        JsonNode m = manifest(model);
        int w = m.path("width").asInt(), h = m.path("height").asInt();
        ImageTensors.Scale scale = ImageTensors.Scale.parse(m.path("scale").asText());
        byte[] rgb = Files.readAllBytes(root().resolve("golden").resolve(framesFile));
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode frame : m.path("frames")) {
            inputs.add(ImageTensors.fromRgb(rgb, frame.path("index").asInt() * w * h * 3, w, h, scale));
        }
        return inputs;
    }

    private static JsonNode manifest(String model) throws IOException {
        return new ObjectMapper().readTree(root().resolve("golden").resolve(model + ".manifest.json").toFile());
    }
}
