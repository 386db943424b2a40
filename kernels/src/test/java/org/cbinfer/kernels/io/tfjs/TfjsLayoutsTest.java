package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Filters and constants move from TensorFlow's layouts to the engine's with every value in its place. */
class TfjsLayoutsTest {
    /** A rank-4 tensor whose value at (a, b, c, d) is 1000a + 100b + 10c + d. */
    private static TfTensor indexed(int... shape) {
        float[] v = new float[shape[0] * shape[1] * shape[2] * shape[3]];
        int k = 0;
        for (int a = 0; a < shape[0]; a++)
            for (int b = 0; b < shape[1]; b++)
                for (int c = 0; c < shape[2]; c++)
                    for (int d = 0; d < shape[3]; d++) v[k++] = 1000 * a + 100 * b + 10 * c + d;
        return TfTensor.ofFloats(shape, v);
    }

    private static float at(Tensor t, int a, int b, int c, int d) {
        int[] s = t.shape();
        return t.data()[((a * s[1] + b) * s[2] + c) * s[3] + d];
    }

    @Test
    void convFilterHwioBecomesOihw() {
        Tensor w = Layouts.convFilter(indexed(2, 3, 4, 5)); // kh=2, kw=3, Cin=4, Cout=5
        assertArrayEquals(new int[] {5, 4, 2, 3}, w.shape());
        for (int o = 0; o < 5; o++)
            for (int i = 0; i < 4; i++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 3; x++) assertEquals(1000 * y + 100 * x + 10 * i + o, at(w, o, i, y, x));
    }

    @Test
    void depthwiseFilterPutsChannelTimesMultiplierFirst() {
        Tensor w = Layouts.depthwiseFilter(indexed(3, 3, 4, 2)); // I=4, M=2
        assertArrayEquals(new int[] {8, 1, 3, 3}, w.shape());
        for (int i = 0; i < 4; i++)
            for (int m = 0; m < 2; m++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 3; x++) assertEquals(1000 * y + 100 * x + 10 * i + m, at(w, i * 2 + m, 0, y, x));
    }

    @Test
    void transposedConvFilterHwOutInBecomesInOutHw() {
        Tensor w = Layouts.transposedConvFilter(indexed(2, 2, 3, 4)); // Cout=3, Cin=4
        assertArrayEquals(new int[] {4, 3, 2, 2}, w.shape());
        assertEquals(1000 * 1 + 100 * 0 + 10 * 2 + 3, at(w, 3, 2, 1, 0));
    }

    @Test
    void broadcastConstantsPairWithTheSameElementsInNchw() {
        Tensor perChannel = Layouts.imageConstant(TfTensor.ofFloats(new int[] {3}, new float[] {1, 2, 3}));
        assertArrayEquals(new int[] {1, 3, 1, 1}, perChannel.shape());
        assertArrayEquals(new float[] {1, 2, 3}, perChannel.data());

        // [W=2, C=3] in NHWC broadcasts as [1, 1, 2, 3]; in NCHW it is [1, 3, 1, 2] with channel-major values
        Tensor rowOfPixels = Layouts.imageConstant(TfTensor.ofFloats(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        assertArrayEquals(new int[] {1, 3, 1, 2}, rowOfPixels.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, rowOfPixels.data());

        Tensor scalar = Layouts.imageConstant(TfTensor.ofFloats(new int[0], new float[] {7}));
        assertEquals(0, scalar.rank());
    }

    @Test
    void rank4AxesMapFromNhwcToNchwAndOtherRanksStay() {
        assertEquals(1, Layouts.axis(-1, 4));
        assertEquals(1, Layouts.axis(3, 4));
        assertEquals(2, Layouts.axis(1, 4));
        assertEquals(3, Layouts.axis(2, 4));
        assertEquals(0, Layouts.axis(0, 4));
        assertEquals(1, Layouts.axis(-1, 2));
    }

    @Test
    void layoutsOrderValuesAlikeOnlyForOneChannelOrOnePixel() {
        assertTrue(Layouts.orderInvariant(new int[] {1, 1, 1, 96}));
        assertTrue(Layouts.orderInvariant(new int[] {1, 144, 256, 1}));
        assertFalse(Layouts.orderInvariant(new int[] {1, 1, 2, 3}));
    }
}
