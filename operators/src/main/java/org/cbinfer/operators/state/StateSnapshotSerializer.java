package org.cbinfer.operators.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.cbinfer.kernels.cb.StateSnapshot;

/**
 * Flink serializer of a camera's change-based state ({@link StateSnapshot}): input shapes, frame count,
 * the last input frame and the committed input of every change-based layer, as raw float32, then each
 * layer's {@link org.cbinfer.kernels.cb.LayerMode} (format 2; format 1, written before the dense fallback,
 * has none and reads as all change-based). The format starts with its version so later layouts (fp16, dirty
 * tiles) can read what this one wrote.
 */
@Internal
public final class StateSnapshotSerializer extends TypeSerializerSingleton<StateSnapshot> {
    public static final StateSnapshotSerializer INSTANCE = new StateSnapshotSerializer();
    /** Version of the byte layout written by {@link #serialize}. */
    static final int FORMAT = 2;
    /** Upper bound on one array's length, so a corrupt length cannot size an allocation. */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 16;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public StateSnapshot createInstance() {
        return null;
    }

    @Override
    public StateSnapshot copy(StateSnapshot from) {
        if (from == null) return null;
        List<float[]> in = new ArrayList<>();
        for (float[] v : from.lastInputs()) in.add(v.clone());
        List<float[]> c = new ArrayList<>();
        for (float[] v : from.committed()) c.add(v.clone());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        from.inputShapes().forEach((k, v) -> shapes.put(k, v.clone()));
        return new StateSnapshot(shapes, from.frames(), in, c, from.layerModes());
    }

    @Override
    public StateSnapshot copy(StateSnapshot from, StateSnapshot reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(StateSnapshot s, DataOutputView out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(s.inputShapes().size());
        for (Map.Entry<String, int[]> e : new java.util.TreeMap<>(s.inputShapes()).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (int d : e.getValue()) out.writeInt(d);
        }
        out.writeLong(s.frames());
        writeArrays(s.lastInputs(), out);
        writeArrays(s.committed(), out);
        out.writeInt(s.layerModes().length);
        out.write(s.layerModes());
    }

    private static void writeArrays(List<float[]> arrays, DataOutputView out) throws IOException {
        out.writeInt(arrays.size());
        for (float[] a : arrays) {
            out.writeInt(a.length);
            byte[] bytes = new byte[a.length * 4];
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(a);
            out.write(bytes);
        }
    }

    @Override
    public StateSnapshot deserialize(DataInputView in) throws IOException {
        int format = in.readInt();
        if (format != 1 && format != FORMAT) throw new IOException("unknown change-based state format " + format);
        int inputs = count(in.readInt(), 64, "inputs");
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int i = 0; i < inputs; i++) {
            String name = in.readUTF();
            int[] shape = new int[count(in.readInt(), 16, "dimensions")];
            for (int d = 0; d < shape.length; d++) shape[d] = in.readInt();
            shapes.put(name, shape);
        }
        long frames = in.readLong();
        List<float[]> lastInputs = readArrays(in), committed = readArrays(in);
        byte[] modes = new byte[0];
        if (format >= 2) {
            modes = new byte[count(in.readInt(), committed.size(), "layer modes")];
            in.readFully(modes);
        }
        try {
            return new StateSnapshot(shapes, frames, lastInputs, committed, modes);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt change-based state: " + e.getMessage(), e);
        }
    }

    private static List<float[]> readArrays(DataInputView in) throws IOException {
        int n = count(in.readInt(), 1 << 16, "arrays");
        List<float[]> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] a = new float[count(in.readInt(), MAX_VALUES / 4, "values")];
            byte[] bytes = new byte[a.length * 4];
            in.readFully(bytes);
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(a);
            list.add(a);
        }
        return list;
    }

    private static int count(int n, int max, String what) throws IOException {
        if (n < 0 || n > max) throw new IOException("corrupt change-based state: " + n + " " + what);
        return n;
    }

    @Override
    public StateSnapshot deserialize(StateSnapshot reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<StateSnapshot> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: restores this serializer; its own version tracks the serializer's. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StateSnapshot> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
