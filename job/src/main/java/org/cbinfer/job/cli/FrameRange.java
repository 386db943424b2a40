package org.cbinfer.job.cli;

/** A {@code FROM:TO} option value ({@code --frames} of the engine commands): video frames FROM (inclusive) to TO (exclusive). */
public record FrameRange(long from, long to) {
    /** {@code FROM:TO} with {@code 0 <= FROM < TO}. */
    public static FrameRange parse(String s) {
        String[] p = s.split(":");
        try {
            if (p.length != 2) throw new NumberFormatException();
            long a = Long.parseLong(p[0].strip()), b = Long.parseLong(p[1].strip());
            if (a < 0 || b <= a) throw new NumberFormatException();
            return new FrameRange(a, b);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected FROM:TO with 0 <= FROM < TO, got '" + s + "'");
        }
    }

    public long count() {
        return to - from;
    }

    @Override
    public String toString() {
        return from + ":" + to;
    }
}
