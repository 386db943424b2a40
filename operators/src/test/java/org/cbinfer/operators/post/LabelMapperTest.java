package org.cbinfer.operators.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LabelMapperTest {
    private static short[] shorts(int... v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) s[i] = (short) v[i];
        return s;
    }

    @Test
    void argmaxOverChannelsTiesToTheLowerChannel() {
        // 3 classes on a 2 x 2 grid (NCHW): pixel 0 -> 2, pixel 1 -> 0 (tie 0/1), pixel 2 -> 1, pixel 3 -> 1 (NaN in 0)
        float nan = Float.NaN;
        Tensor t = Tensor.of(new int[] {1, 3, 2, 2}, new float[] {
            0f, 5f, -1f, nan,
            1f, 5f, 3f, -7f,
            2f, 4f, 2.5f, -8f});
        LabelMap m = LabelMapper.forProbabilities().map(t);
        assertEquals(2, m.width());
        assertEquals(2, m.height());
        assertEquals(3, m.numClasses());
        assertArrayEquals(shorts(2, 0, 1, 1), m.labels());
        assertArrayEquals(new long[] {1, 2, 1}, m.histogram());
        assertEquals(2, m.label(0, 0));
        assertEquals(1, m.label(1, 1));
    }

    @Test
    void oneChannelProbabilitiesCutAboveOneHalf() {
        Tensor p = Tensor.of(new int[] {1, 1, 1, 5}, new float[] {0.1f, 0.5f, Math.nextUp(0.5f), 0.99f, Float.NaN});
        LabelMap m = LabelMapper.forProbabilities().map(p);
        assertEquals(2, m.numClasses());
        assertArrayEquals(shorts(0, 0, 1, 1, 0), m.labels(), "0.5 itself is background; NaN is background");
        assertArrayEquals(shorts(0, 0, 0, 1, 0), new LabelMapper(true, 0.9).map(p).labels());
    }

    @Test
    void oneChannelLogitsCutAtZero() {
        Tensor l = Tensor.of(new int[] {1, 1, 1, 4}, new float[] {-3f, 0f, 1e-6f, 0.5f});
        assertArrayEquals(shorts(0, 0, 1, 1), LabelMapper.forLogits().map(l).labels(), "sigmoid(x) > 0.5 iff x > 0");
        // sigmoid(0.5) = 0.622: a 0.6 threshold keeps it, 0.65 does not
        assertArrayEquals(shorts(0, 0, 0, 1), new LabelMapper(false, 0.6).map(l).labels());
        assertArrayEquals(shorts(0, 0, 0, 0), new LabelMapper(false, 0.65).map(l).labels());
    }

    @Test
    void nearestResizeKeepsBlocksAndCountsAgain() {
        LabelMap m = LabelMap.of(2, 2, 4, shorts(0, 1, 2, 3));
        LabelMap up = m.resized(4, 6);
        assertEquals(4, up.width());
        assertEquals(6, up.height());
        assertArrayEquals(shorts(
                0, 0, 1, 1,
                0, 0, 1, 1,
                0, 0, 1, 1,
                2, 2, 3, 3,
                2, 2, 3, 3,
                2, 2, 3, 3), up.labels());
        assertArrayEquals(new long[] {6, 6, 6, 6}, up.histogram());
        LabelMap down = up.resized(2, 2);
        assertEquals(m, down);
        assertSame(m, m.resized(2, 2));
        // 5 -> 3 columns: source column of destination x is floor((x + 0.5) * 5 / 3) = 0, 2, 4
        LabelMap row = LabelMap.of(5, 1, 5, shorts(0, 1, 2, 3, 4)).resized(3, 1);
        assertArrayEquals(shorts(0, 2, 4), row.labels());
        Tensor t = Tensor.of(new int[] {1, 1, 2, 2}, new float[] {0.9f, 0.1f, 0.1f, 0.9f});
        LabelMap frame = LabelMapper.forProbabilities().map(t, 7, 5);
        assertEquals(35, frame.histogram()[0] + frame.histogram()[1]);
    }

    @Test
    void twoClassPngIsBlackAndWhiteAndDecodesBack() throws IOException {
        LabelMap m = LabelMap.of(3, 2, 2, shorts(0, 1, 1, 0, 0, 1));
        assertEquals(255, m.pngStep());
        byte[] png = m.png();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        assertEquals(8, img.getColorModel().getComponentSize(0));
        int[] gray = img.getRaster().getSamples(0, 0, 3, 2, 0, new int[6]);
        assertArrayEquals(new int[] {0, 255, 255, 0, 0, 255}, gray);
        assertEquals(m, LabelMap.fromPng(png, 2));
        assertArrayEquals(png, Base64.getDecoder().decode(m.pngBase64()));
    }

    @Test
    void manyClassPngsUseAnEvenStepOr16Bits() throws IOException {
        short[] labels = new short[21 * 3];
        for (int i = 0; i < labels.length; i++) labels[i] = (short) (i % 21);
        LabelMap voc = LabelMap.of(21, 3, 21, labels);
        assertEquals(12, voc.pngStep(), "255 / 20");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(voc.png()));
        assertEquals(240, img.getRaster().getSample(20, 0, 0));
        assertEquals(voc, LabelMap.fromPng(voc.png(), 21));

        short[] many = new short[300];
        for (int i = 0; i < many.length; i++) many[i] = (short) i;
        LabelMap wide = LabelMap.of(300, 1, 300, many);
        assertEquals(1, wide.pngStep());
        assertEquals(16, ImageIO.read(new ByteArrayInputStream(wide.png())).getColorModel().getComponentSize(0));
        assertEquals(wide, LabelMap.fromPng(wide.png(), 300));

        assertThrows(IOException.class, () -> LabelMap.fromPng(voc.png(), 2), "gray 12 is no label of a 2-class mask");
    }

    @Test
    void labelMapIsImmutableAndChecked() {
        short[] labels = shorts(0, 1, 1, 1);
        LabelMap m = LabelMap.of(2, 2, 2, labels);
        labels[0] = 1;
        assertEquals(0, m.label(0, 0), "copied in");
        m.labels()[1] = 0;
        m.histogram()[0] = 99;
        assertArrayEquals(new long[] {1, 3}, m.histogram(), "copied out");
        assertEquals(0.75, m.fraction(1));
        assertNotEquals(m, LabelMap.of(2, 2, 2, shorts(1, 1, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> LabelMap.of(2, 2, 2, shorts(0, 1, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> LabelMap.of(3, 2, 2, shorts(0, 1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> new LabelMap(2, 2, 2, shorts(0, 1, 1, 1), new long[] {2, 2}));
        assertThrows(IndexOutOfBoundsException.class, () -> m.label(2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelMapper.forProbabilities().map(Tensor.zeros(1, 256, 256)));
        assertTrue(e.getMessage().contains("[1, C, H, W]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LabelMapper(true, 1.0));
    }
}
