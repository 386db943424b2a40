package org.cbinfer.kernels.io.tfjs;

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
 * A golden set from the sample data's {@code golden/} (made by golden/make-golden): raw RGB frames back to back, and
 * per frame the outputs TensorFlow.js computed (NHWC float32 little-endian files listed in {@code <model>.manifest.json}).
 */
public record GoldenFrames(String model, List<Tensor> inputs, List<Map<String, Expected>> outputs) {
    /** One expected output: its NHWC shape and values. */
    public record Expected(int[] nhwcShape, float[] values) {}

    /** Only the input frames of a golden set (what a run on them needs; the expected outputs stay unread). */
    public static List<Tensor> inputs(String model, String framesFile) throws IOException {
        return read(model, framesFile, false).inputs();
    }

    /** Every frame of a golden set's RGB file, as {@code width}x{@code height} inputs of another scaling. */
    public static List<Tensor> frames(String framesFile, int width, int height, ImageTensors.Scale scale) throws IOException {
        byte[] rgb = Files.readAllBytes(TestData.file("golden").resolve(framesFile));
        int frameBytes = width * height * 3;
        List<Tensor> frames = new ArrayList<>();
        for (int off = 0; off + frameBytes <= rgb.length; off += frameBytes) frames.add(ImageTensors.fromRgb(rgb, off, width, height, scale));
        return frames;
    }

    public static GoldenFrames load(String model, String framesFile) throws IOException {
        return read(model, framesFile, true);
    }

    private static GoldenFrames read(String model, String framesFile, boolean withOutputs) throws IOException {
        Path dir = TestData.file("golden");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(model + ".manifest.json").toFile());
        int width = manifest.path("width").asInt();
        int height = manifest.path("height").asInt();
        ImageTensors.Scale scale = ImageTensors.Scale.parse(manifest.path("scale").asText());
        byte[] rgb = Files.readAllBytes(dir.resolve(framesFile));
        List<Tensor> inputs = new ArrayList<>();
        List<Map<String, Expected>> outputs = new ArrayList<>();
        for (JsonNode frame : manifest.path("frames")) {
            int index = frame.path("index").asInt();
            inputs.add(ImageTensors.fromRgb(rgb, index * width * height * 3, width, height, scale));
            Map<String, Expected> expected = new LinkedHashMap<>();
            for (JsonNode out : withOutputs ? frame.path("outputs") : List.<JsonNode>of()) {
                int[] shape = new ObjectMapper().convertValue(out.path("shape"), int[].class);
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(out.path("file").asText())))
                        .order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[bytes.remaining() / 4];
                bytes.asFloatBuffer().get(values);
                expected.put(out.path("name").asText(), new Expected(shape, values));
            }
            outputs.add(expected);
        }
        return new GoldenFrames(model, inputs, outputs);
    }
}
