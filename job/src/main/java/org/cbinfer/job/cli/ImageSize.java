package org.cbinfer.job.cli;

import java.util.Locale;

/** A {@code WxH} option value ({@code --size}, {@code --resize}): a frame or input size in pixels. */
public record ImageSize(int width, int height) {
    private static final int MAX = 16384;

    /** {@code WIDTHxHEIGHT}, each 1..16384. */
    public static ImageSize parse(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int w = Integer.parseInt(p[0].strip()), h = Integer.parseInt(p[1].strip());
            if (w <= 0 || h <= 0 || w > MAX || h > MAX) throw new NumberFormatException();
            return new ImageSize(w, h);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected WIDTHxHEIGHT (1.." + MAX + " each), got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
