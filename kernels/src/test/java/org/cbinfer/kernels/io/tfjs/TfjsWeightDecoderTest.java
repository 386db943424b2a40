package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.graph.ModelException;
import org.junit.jupiter.api.Test;

/** Weight bytes decode as TFJS stores them: little-endian, back to back, possibly quantized. */
class TfjsWeightDecoderTest {
    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static WeightSpec spec(String name, String dtype, String quantized, float scale, float min, int... shape) {
        return new WeightSpec(name, shape, dtype, quantized == null ? null : new WeightSpec.Quantization(quantized, scale, min));
    }

    @Test
    void float16DecodesNormalsSubnormalsSignedZeroInfinityAndNaN() {
        int[] halves = {0x3C00, 0xC000, 0x7BFF, 0x3555, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x7E00};
        ByteBuffer b = le(2 * halves.length);
        for (int h : halves) b.putShort((short) h);
        Map<String, TfTensor> w = WeightDecoder.decode(List.of(spec("w", "float32", "float16", 0, 0, halves.length)), b.array());
        float[] v = w.get("w").floats();
        assertEquals(1f, v[0]);
        assertEquals(-2f, v[1]);
        assertEquals(65504f, v[2]);
        assertEquals(0.33325195f, v[3]);
        assertEquals(0x1p-24f, v[4]);
        assertEquals(1023 * 0x1p-24f, v[5]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(v[6]));
        assertEquals(Float.POSITIVE_INFINITY, v[7]);
        assertEquals(Float.NEGATIVE_INFINITY, v[8]);
        assertTrue(Float.isNaN(v[9]));
    }

    @Test
    void uint8AndUint16CodesMeanCodeTimesScalePlusMin() {
        ByteBuffer b = le(3 + 2 * 2);
        b.put((byte) 0).put((byte) 1).put((byte) 255).putShort((short) 0).putShort((short) 0xFFFF);
        Map<String, TfTensor> w = WeightDecoder.decode(List.of(
                spec("a", "float32", "uint8", 0.5f, -1f, 3),
                spec("b", "float32", "uint16", 0.25f, 2f, 2)), b.array());
        assertArrayEquals(new float[] {-1f, -0.5f, 126.5f}, w.get("a").floats());
        assertArrayEquals(new float[] {2f, 0.25f * 65535 + 2f}, w.get("b").floats());
    }

    @Test
    void float32AndExactInt32ValuesFollowEachOtherInManifestOrder() {
        ByteBuffer b = le(4 * 4);
        b.putFloat(1.5f).putFloat(-3f).putInt((1 << 30) + 1).putInt(-1);
        Map<String, TfTensor> w = WeightDecoder.decode(List.of(
                spec("f", "float32", null, 0, 0, 2, 1), spec("i", "int32", null, 0, 0, 2)), b.array());
        assertArrayEquals(new float[] {1.5f, -3f}, w.get("f").floats());
        assertArrayEquals(new int[] {2, 1}, w.get("f").shape());
        assertArrayEquals(new int[] {(1 << 30) + 1, -1}, w.get("i").ints());
    }

    @Test
    void truncatedBytesNameTheWeightThatDoesNotFit() {
        ModelException e = assertThrows(ModelException.class, () -> WeightDecoder.decode(List.of(
                spec("fits", "float32", null, 0, 0, 1), spec("cut", "float32", null, 0, 0, 2)), new byte[8]));
        assertEquals("cut", e.node());
        assertTrue(e.getMessage().contains("needs 8 bytes at offset 4"), e.getMessage());
    }

    @Test
    void bytesLeftOverMeanTheManifestDoesNotDescribeTheFile() {
        ModelException e = assertThrows(ModelException.class,
                () -> WeightDecoder.decode(List.of(spec("w", "float32", null, 0, 0, 1)), new byte[6]));
        assertTrue(e.getMessage().contains("6 bytes"), e.getMessage());
    }

    @Test
    void unsupportedDtypesNameTheWeight() {
        ModelException e = assertThrows(ModelException.class,
                () -> WeightDecoder.decode(List.of(spec("flags", "bool", null, 0, 0, 1)), new byte[1]));
        assertEquals("flags", e.node());
        ModelException q = assertThrows(ModelException.class,
                () -> WeightDecoder.decode(List.of(spec("ids", "int32", "float16", 0, 0, 1)), new byte[2]));
        assertEquals("ids", q.node());
    }

    @Test
    void aShapeTooLargeToAllocateIsRefusedBeforeAllocating() {
        ModelException e = assertThrows(ModelException.class,
                () -> WeightDecoder.decode(List.of(spec("huge", "float32", null, 0, 0, 1 << 16, 1 << 16)), new byte[4]));
        assertEquals("huge", e.node());
    }
}
