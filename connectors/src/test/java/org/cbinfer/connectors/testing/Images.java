package org.cbinfer.connectors.testing;

import java.util.zip.CRC32;

/** Hand-made damage to encoded images. */
public final class Images {
    private Images() {}

    /** A copy of a JPEG whose first SOFn marker declares {@code width x height} (max 65535 each). */
    public static byte[] jpegWithSize(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; ) {
            if ((b[i] & 0xff) != 0xff) throw new IllegalArgumentException("not at a marker at " + i);
            int marker = b[i + 1] & 0xff;
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
            i += 2 + len;
        }
        throw new IllegalArgumentException("no SOF marker");
    }

    /** A copy of a PNG whose IHDR declares {@code width x height}, with a valid CRC. */
    public static byte[] pngWithSize(byte[] png, int width, int height) {
        byte[] b = png.clone();
        if (!new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("IHDR")) {
            throw new IllegalArgumentException("IHDR is not the first chunk");
        }
        putInt(b, 16, width);
        putInt(b, 20, height);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 4 + 13);
        putInt(b, 29, (int) crc.getValue());
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
