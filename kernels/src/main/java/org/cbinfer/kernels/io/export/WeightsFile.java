package org.cbinfer.kernels.io.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arrays of an export, laid end to end in one raw little-endian float32 file. Each array is described
 * in the JSON by its offset (in floats, not bytes) and shape.
 */
final class WeightsFile {
    private final List<float[]> arrays = new ArrayList<>();
    private long floats;

    /** Appends an array; returns {@code {"offset": ..., "shape": [...]}}. */
    ObjectNode add(float[] values, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != values.length) throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("offset", floats);
        var s = ref.putArray("shape");
        for (int d : shape) s.add(d);
        arrays.add(values);
        floats += values.length;
        return ref;
    }

    long floats() {
        return floats;
    }

    void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (float[] a : arrays) out.write(littleEndian(a));
        }
    }

    static byte[] littleEndian(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }
}
