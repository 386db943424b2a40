package org.cbinfer.job.cli.bench;

import java.util.Arrays;

/** Wall-time samples in milliseconds: median, 90th percentile (nearest rank), total. */
final class Samples {
    private double[] values = new double[16];
    private int n;

    void add(double ms) {
        if (n == values.length) values = Arrays.copyOf(values, 2 * n);
        values[n++] = ms;
    }

    int count() {
        return n;
    }

    double total() {
        double s = 0;
        for (int i = 0; i < n; i++) s += values[i];
        return s;
    }

    double median() {
        if (n == 0) return Double.NaN;
        double[] v = sorted();
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    double p90() {
        if (n == 0) return Double.NaN;
        return sorted()[(int) Math.ceil(0.9 * n) - 1];
    }

    private double[] sorted() {
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        return v;
    }
}
