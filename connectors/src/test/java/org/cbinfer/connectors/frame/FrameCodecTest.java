package org.cbinfer.connectors.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.cbinfer.connectors.testing.Images;
import org.cbinfer.connectors.testing.VtestFrames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Codec round trips on real vtest.avi frames, and decoding of damaged or oversized images. */
class FrameCodecTest {
    /** Allocations above this during a rejected decode would mean a buffer was sized from the header. */
    private static final long SMALL_ALLOCATION = 1 << 20;

    @BeforeAll
    static void warmUp() throws Exception {
        // Load ImageIO's registry and codecs before any allocation is measured (a synthetic frame, so that the
        // tests without vtest.avi run when the sample data is missing).
        byte[] rgb = new byte[768 * 576 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i % 3 == 0 ? i / 2304 : i / 7);
        RgbImage f = new RgbImage(768, 576, rgb);
        FrameCodec.decode(FrameEncoding.JPEG, FrameCodec.encode(f, FrameEncoding.JPEG), 0, 0, FrameLimits.DEFAULT);
        FrameCodec.decode(FrameEncoding.PNG, FrameCodec.encode(f, FrameEncoding.PNG), 0, 0, FrameLimits.DEFAULT);
    }

    @Test
    void pngRoundTripIsExact() throws Exception {
        for (int i = 0; i < 3; i++) {
            RgbImage f = VtestFrames.frame(i);
            byte[] png = FrameCodec.encode(f, FrameEncoding.PNG);
            assertTrue(png.length < f.rgb().length, "PNG should compress: " + png.length);
            assertArrayEquals(new int[] {768, 576}, FrameCodec.probe(FrameEncoding.PNG, png, 0, 0, FrameLimits.DEFAULT));
            RgbImage back = FrameCodec.decode(FrameEncoding.PNG, png, 0, 0, FrameLimits.DEFAULT);
            assertEquals(f, back, "frame " + i);
        }
    }

    @Test
    void jpegRoundTripWithinMeasuredPsnr() throws Exception {
        // Measured on vtest frames 0, 50, 100 with the JDK's JPEG writer (4:2:0): q50 33.6-35.0 dB,
        // q75 36.3-38.0 dB, q90 40.0-42.8 dB. The bounds leave ~1 dB.
        double[] minPsnr = {0, 32.5, 35, 39};
        int[] qualities = {0, 50, 75, 90};
        for (int i = 0; i < 3; i++) {
            RgbImage f = VtestFrames.frame(i);
            double last = 0;
            int lastSize = 0;
            for (int q = 1; q < qualities.length; q++) {
                byte[] jpeg = FrameCodec.encode(f, FrameEncoding.JPEG, qualities[q]);
                RgbImage back = FrameCodec.decode(FrameEncoding.JPEG, jpeg, 768, 576, FrameLimits.DEFAULT);
                double psnr = VtestFrames.psnr(f, back);
                System.out.printf("frame %d q%d: %d bytes, PSNR %.2f dB%n", i, qualities[q], jpeg.length, psnr);
                assertTrue(psnr >= minPsnr[q], "frame " + i + " q" + qualities[q] + ": PSNR " + psnr);
                assertTrue(psnr > last && jpeg.length > lastSize, "higher quality must be closer and larger");
                last = psnr;
                lastSize = jpeg.length;
            }
        }
    }

    @Test
    void rawRgb24IsPassedThroughAndGray8IsExpanded() throws Exception {
        RgbImage f = VtestFrames.frame(1);
        byte[] raw = FrameCodec.encode(f, FrameEncoding.RGB24);
        RgbImage back = FrameCodec.decode(FrameEncoding.RGB24, raw, 768, 576, FrameLimits.DEFAULT);
        assertSame(raw, back.rgb());

        byte[] gray = FrameCodec.encode(f, FrameEncoding.GRAY8);
        assertEquals(768 * 576, gray.length);
        RgbImage g = FrameCodec.decode(FrameEncoding.GRAY8, gray, 768, 576, FrameLimits.DEFAULT);
        for (int p = 0; p < 768 * 576; p += 997) {
            int r = f.rgb()[3 * p] & 0xff, gr = f.rgb()[3 * p + 1] & 0xff, b = f.rgb()[3 * p + 2] & 0xff;
            int luma = (int) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
            int v = g.rgb()[3 * p] & 0xff;
            assertTrue(Math.abs(v - luma) <= 1, "pixel " + p + ": " + v + " vs " + luma);
            assertEquals(v, g.rgb()[3 * p + 1] & 0xff);
            assertEquals(v, g.rgb()[3 * p + 2] & 0xff);
        }
        // grey is a fixed point
        assertArrayEquals(gray, FrameCodec.encode(g, FrameEncoding.GRAY8));
        // a grey PNG of the same pixels decodes to the same RGB
        assertEquals(g, FrameCodec.decode(FrameEncoding.PNG, FrameCodec.encode(g, FrameEncoding.PNG), 0, 0, FrameLimits.DEFAULT));
    }

    @Test
    void otherPngLayoutsDecodeToRgb() throws Exception {
        // grey, RGBA and palette PNGs written by ImageIO itself
        BufferedImage gray = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(2, 1, 0, 200);
        RgbImage g = FrameCodec.decode(FrameEncoding.PNG, png(gray), 0, 0, FrameLimits.DEFAULT);
        assertEquals(200, g.sample(2, 1, 0));
        assertEquals(200, g.sample(2, 1, 2));
        assertEquals(0, g.sample(0, 0, 1));

        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_4BYTE_ABGR);
        argb.setRGB(1, 2, 0x80102030);
        RgbImage a = FrameCodec.decode(FrameEncoding.PNG, png(argb), 0, 0, FrameLimits.DEFAULT);
        assertEquals(0x10, a.sample(1, 2, 0));
        assertEquals(0x20, a.sample(1, 2, 1));
        assertEquals(0x30, a.sample(1, 2, 2));

        BufferedImage indexed = new BufferedImage(6, 2, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(3, 1, 0xff0000);
        RgbImage p = FrameCodec.decode(FrameEncoding.PNG, png(indexed), 0, 0, FrameLimits.DEFAULT);
        assertEquals(255, p.sample(3, 1, 0));
        assertEquals(0, p.sample(3, 1, 1));
    }

    @Test
    void truncatedImagesAreCorrupt() throws Exception {
        RgbImage f = VtestFrames.frame(2);
        byte[] jpeg = FrameCodec.encode(f, FrameEncoding.JPEG, 80);
        for (int keep : new int[] {jpeg.length / 2, jpeg.length - 200, jpeg.length - 2}) {
            FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.JPEG,
                    Arrays.copyOf(jpeg, keep), 0, 0, FrameLimits.DEFAULT));
            assertEquals(FrameProblem.CORRUPT_IMAGE, e.problem(), e.getMessage());
            System.out.println("JPEG truncated to " + keep + ": " + e.getMessage());
        }
        // the header alone is intact: probing a truncated JPEG still gives its size
        assertArrayEquals(new int[] {768, 576}, FrameCodec.probe(FrameEncoding.JPEG, Arrays.copyOf(jpeg, 1000), 0, 0,
                FrameLimits.DEFAULT));

        byte[] png = FrameCodec.encode(f, FrameEncoding.PNG);
        for (int keep : new int[] {20, png.length / 2, png.length - 100}) {
            FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.PNG,
                    Arrays.copyOf(png, keep), 0, 0, FrameLimits.DEFAULT));
            assertEquals(FrameProblem.CORRUPT_IMAGE, e.problem(), e.getMessage());
            System.out.println("PNG truncated to " + keep + ": " + e.getMessage());
        }
        // Lenient by design: a PNG that lost only its IEND trailer still holds every pixel.
        assertEquals(f, FrameCodec.decode(FrameEncoding.PNG, Arrays.copyOf(png, png.length - 12), 0, 0, FrameLimits.DEFAULT));
    }

    @Test
    void garbageAndWrongEncodingsAreCorrupt() throws Exception {
        byte[] garbage = "this is not an image at all".getBytes();
        for (FrameEncoding enc : new FrameEncoding[] {FrameEncoding.JPEG, FrameEncoding.PNG}) {
            FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(enc, garbage, 0, 0, FrameLimits.DEFAULT));
            assertEquals(FrameProblem.CORRUPT_IMAGE, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains("'this is "), e.getMessage());
        }
        byte[] png = FrameCodec.encode(VtestFrames.frame(0), FrameEncoding.PNG);
        FrameException e = assertThrows(FrameException.class, () -> FrameCodec.probe(FrameEncoding.JPEG, png, 0, 0, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.CORRUPT_IMAGE, e.problem(), e.getMessage());
        e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.PNG, new byte[0], 0, 0, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.EMPTY_PAYLOAD, e.problem());
    }

    @Test
    void declaredSizesMustMatch() throws Exception {
        RgbImage f = VtestFrames.frame(0);
        byte[] jpeg = FrameCodec.encode(f, FrameEncoding.JPEG);
        FrameException e = assertThrows(FrameException.class, () -> FrameCodec.probe(FrameEncoding.JPEG, jpeg, 640, 480, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.SIZE_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("640x480") && e.getMessage().contains("768x576"), e.getMessage());

        byte[] raw = f.rgb();
        e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.RGB24, raw, 768, 575, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.SIZE_MISMATCH, e.problem());
        e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.GRAY8, raw, 768, 576, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.SIZE_MISMATCH, e.problem(), "RGB bytes declared as GRAY8");
        e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.RGB24, raw, 0, 0, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.MISSING_HEADER, e.problem());
        e = assertThrows(FrameException.class, () -> FrameCodec.decode(FrameEncoding.RGB24, raw, -768, -576, FrameLimits.DEFAULT));
        assertEquals(FrameProblem.BAD_HEADER, e.problem());
    }

    @Test
    void absurdSizesFailFastWithoutAllocating() throws Exception {
        RgbImage f = VtestFrames.frame(0);
        byte[] jpeg = FrameCodec.encode(f, FrameEncoding.JPEG);
        byte[] png = FrameCodec.encode(f, FrameEncoding.PNG);
        byte[] hugeJpeg = Images.jpegWithSize(jpeg, 65000, 65000);
        byte[] hugePng = Images.pngWithSize(png, 100_000, 100_000);
        byte[] small = new byte[1000];

        // raw: 100000x100000 declared (30 GB of RGB) with 1000 bytes of payload
        assertFailsFast(FrameProblem.TOO_LARGE, "100000x100000",
                () -> FrameCodec.decode(FrameEncoding.RGB24, small, 100_000, 100_000, FrameLimits.DEFAULT));
        // within the limits but not what the payload holds
        assertFailsFast(FrameProblem.SIZE_MISMATCH, "8000x8000",
                () -> FrameCodec.decode(FrameEncoding.RGB24, small, 8000, 8000, FrameLimits.DEFAULT));
        // width * height overflowing int
        assertFailsFast(FrameProblem.TOO_LARGE, "65536x65536",
                () -> FrameCodec.decode(FrameEncoding.GRAY8, small, 65536, 65536, FrameLimits.DEFAULT));
        // compressed images whose own header claims a huge size
        assertFailsFast(FrameProblem.TOO_LARGE, "jpeg header size 65000x65000",
                () -> FrameCodec.decode(FrameEncoding.JPEG, hugeJpeg, 0, 0, FrameLimits.DEFAULT));
        assertFailsFast(FrameProblem.TOO_LARGE, "png header size 100000x100000",
                () -> FrameCodec.decode(FrameEncoding.PNG, hugePng, 0, 0, FrameLimits.DEFAULT));
        // a declared huge size is refused before the image is looked at
        assertFailsFast(FrameProblem.TOO_LARGE, "declared size 100000x100000",
                () -> FrameCodec.decode(FrameEncoding.JPEG, jpeg, 100_000, 100_000, FrameLimits.DEFAULT));
        // configurable limits: vtest's 768x576 is too large for 640x480
        assertFailsFast(FrameProblem.TOO_LARGE, "768x576",
                () -> FrameCodec.decode(FrameEncoding.JPEG, jpeg, 0, 0, FrameLimits.of(640, 480)));
    }

    private static void assertFailsFast(FrameProblem problem, String mentions, Decode decode) {
        long before = VtestFrames.allocatedBytes();
        FrameException e = assertThrows(FrameException.class, decode::run);
        long allocated = VtestFrames.allocatedBytes() - before;
        assertEquals(problem, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
        assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated + " bytes before failing: " + e.getMessage());
        System.out.println(e.getMessage() + " (" + allocated + " bytes allocated)");
    }

    private interface Decode {
        void run() throws Exception;
    }

    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.setUseCache(false);
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }
}
