package org.cbinfer.kernels.io.tfjs;

/** How far computed values are from reference values: largest absolute error and relative L2 error. */
record Discrepancy(double maxAbs, double relL2) {
    static Discrepancy between(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values vs " + expected.length + " expected");
        }
        double max = 0, diff2 = 0, ref2 = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            if (!(Math.abs(d) <= max)) max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.abs(d);
            diff2 += d * d;
            ref2 += (double) expected[i] * expected[i];
        }
        return new Discrepancy(max, Math.sqrt(diff2 / Math.max(ref2, Double.MIN_NORMAL)));
    }

    /** The worse of two, figure by figure. */
    Discrepancy worst(Discrepancy o) {
        return new Discrepancy(Math.max(maxAbs, o.maxAbs), Math.max(relL2, o.relL2));
    }

    @Override
    public String toString() {
        return String.format("max abs %.3g, rel L2 %.3g", maxAbs, relL2);
    }
}
