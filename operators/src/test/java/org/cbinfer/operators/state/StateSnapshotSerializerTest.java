package org.cbinfer.operators.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.junit.jupiter.api.Test;

/** A camera's change-based state survives a checkpoint byte for byte, including state written by older versions. */
class StateSnapshotSerializerTest {
    private static final StateSnapshotSerializer SERIALIZER = StateSnapshotSerializer.INSTANCE;

    private static StateSnapshot snapshot() {
        return new StateSnapshot(Map.of("image", new int[] {1, 3, 2, 2}), 42,
                List.of(new float[] {0.5f, -1f, Float.NaN, 3e-7f}),
                List.of(new float[] {1f, 2f}, new float[] {-0f, Float.MAX_VALUE, 7f}),
                new byte[] {(byte) LayerMode.DENSE.ordinal(), (byte) LayerMode.CHANGE_BASED.ordinal()});
    }

    @Test
    void writeThenReadGivesTheSameStateAndLayerModes() throws IOException {
        StateSnapshot s = snapshot();
        StateSnapshot back = roundTrip(s);
        assertArrayEquals(new int[] {1, 3, 2, 2}, back.inputShapes().get("image"));
        assertEquals(42, back.frames());
        assertArrayEquals(s.lastInputs().get(0), back.lastInputs().get(0));
        for (int i = 0; i < 2; i++) assertArrayEquals(s.committed().get(i), back.committed().get(i));
        assertEquals(LayerMode.DENSE, back.layerMode(0));
        assertEquals(LayerMode.CHANGE_BASED, back.layerMode(1));
    }

    @Test
    void stateWrittenBeforeTheDenseFallbackReadsAsAllChangeBased() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(1);  // format 1: no layer modes after the committed inputs
        out.writeInt(1);
        out.writeUTF("image");
        out.writeInt(2);
        out.writeInt(1);
        out.writeInt(2);
        out.writeLong(7);
        writeFloats(out, new float[] {1f, 2f});
        writeFloats(out, new float[] {3f});
        StateSnapshot s = SERIALIZER.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(7, s.frames());
        assertArrayEquals(new float[] {3f}, s.committed().get(0));
        assertEquals(LayerMode.CHANGE_BASED, s.layerMode(0));
    }

    @Test
    void anUnknownLayerModeIsACorruptState() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(snapshot(), out);
        byte[] bytes = out.getCopyOfBuffer();
        bytes[bytes.length - 1] = 9;
        IOException e = assertThrows(IOException.class, () -> SERIALIZER.deserialize(new DataInputDeserializer(bytes)));
        assertTrue(e.getMessage().contains("corrupt change-based state"), e.getMessage());
    }

    @Test
    void anUnknownFormatIsRefused() {
        IOException e = assertThrows(IOException.class,
                () -> SERIALIZER.deserialize(new DataInputDeserializer(new byte[] {0, 0, 0, 99})));
        assertTrue(e.getMessage().contains("unknown change-based state format 99"), e.getMessage());
    }

    private static StateSnapshot roundTrip(StateSnapshot s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(s, out);
        return SERIALIZER.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static void writeFloats(DataOutputSerializer out, float[] values) throws IOException {
        out.writeInt(1);
        out.writeInt(values.length);
        for (float v : values) out.writeFloat(v);
    }
}
