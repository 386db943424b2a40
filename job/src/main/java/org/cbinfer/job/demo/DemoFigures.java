package org.cbinfer.job.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * The timing figures of a demo run, from the results as the demo's monitor reads them off the results topic:
 * <ul>
 *   <li>end-to-end latency of a frame: from its capture time (the wall clock when the camera replay took the frame
 *       from the video, just before encoding and sending it to Kafka; the result's {@code captureTime}) to the moment
 *       the monitor received its result from Kafka (same JVM, same clock). It includes Kafka both ways, decoding,
 *       queueing, micro-batching, inference and post-processing;</li>
 *   <li>operator latency: the result's {@code stats.latencyMs}, the backend's processing time the operator recorded
 *       for the frame;</li>
 *   <li>steady throughput: results per second between the arrival of the 10% and the 90% quantile of the results,
 *       which leaves out the start (job deployment, model loading, first keyframes, JIT) and the tail (cameras
 *       finishing at different times).</li>
 * </ul>
 * Not thread-safe: the monitor thread records, the summary reads afterwards.
 */
final class DemoFigures {
    private long[] received = new long[256];
    private double[] endToEnd = new double[256];
    private double[] operator = new double[256];
    private int n;

    /**
     * One result.
     *
     * @param receivedMillis wall clock when the monitor got it
     * @param captureMillis  its frame's capture time
     * @param operatorMs     its {@code stats.latencyMs} (NaN when absent)
     */
    void result(long receivedMillis, long captureMillis, double operatorMs) {
        if (n == received.length) {
            received = Arrays.copyOf(received, 2 * n);
            endToEnd = Arrays.copyOf(endToEnd, 2 * n);
            operator = Arrays.copyOf(operator, 2 * n);
        }
        received[n] = receivedMillis;
        endToEnd[n] = receivedMillis - captureMillis;
        operator[n] = operatorMs;
        n++;
    }

    int count() {
        return n;
    }

    /** Results per second between the 10% and 90% arrivals; NaN with fewer than 10 results or no time between. */
    double steadyResultsPerSecond() {
        if (n < 10) return Double.NaN;
        long[] t = Arrays.copyOf(received, n);
        Arrays.sort(t);
        int a = (int) Math.floor(0.1 * (n - 1)), b = (int) Math.ceil(0.9 * (n - 1));
        double seconds = (t[b] - t[a]) / 1e3;
        return seconds <= 0 ? Double.NaN : (b - a) / seconds;
    }

    /** {@code {"p50", "p95", "p99", "max", "mean", "count"}} of the end-to-end latency in ms. */
    ObjectNode endToEndMs() {
        return stats(endToEnd);
    }

    /** The same of the operator latency in ms. */
    ObjectNode operatorMs() {
        return stats(operator);
    }

    double endToEndPercentile(double p) {
        return percentile(sorted(endToEnd), p);
    }

    private ObjectNode stats(double[] values) {
        double[] v = sorted(values);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("count", v.length);
        if (v.length == 0) return o;
        o.put("p50", round(percentile(v, 50)));
        o.put("p95", round(percentile(v, 95)));
        o.put("p99", round(percentile(v, 99)));
        o.put("max", round(v[v.length - 1]));
        o.put("mean", round(Arrays.stream(v).average().orElse(Double.NaN)));
        return o;
    }

    private double[] sorted(double[] values) {
        double[] v = Arrays.stream(values, 0, n).filter(x -> !Double.isNaN(x)).toArray();
        Arrays.sort(v);
        return v;
    }

    /** Nearest rank: the smallest value with at least p% of the values at or below it. */
    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
