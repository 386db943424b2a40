package org.cbinfer.kernels.tune;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/** Mean absolute, mean squared or largest absolute difference from the dense outputs, over chosen outputs. */
final class OutputError implements TuningLoss {
    enum Kind { MEAN_ABS, MEAN_SQUARED, MAX_ABS }

    private final Kind kind;
    private final List<String> outputs;

    OutputError(Kind kind, List<String> outputs) {
        this.kind = kind;
        this.outputs = List.copyOf(outputs);
    }

    @Override
    public double evaluate(List<Map<String, Tensor>> reference, List<Map<String, Tensor>> actual, List<Integer> frames) {
        double sum = 0, max = 0;
        long count = 0;
        for (int f = 0; f < reference.size(); f++) {
            Map<String, Tensor> ref = reference.get(f);
            for (String name : outputs.isEmpty() ? ref.keySet() : outputs) {
                float[] r = Losses.output(ref, name, "dense").data();
                float[] a = Losses.output(actual.get(f), name, "change-based").data();
                if (r.length != a.length) throw new IllegalArgumentException("output " + name + " has " + a.length + " values, dense " + r.length);
                for (int i = 0; i < r.length; i++) {
                    double d = Math.abs((double) a[i] - r[i]);
                    if (Double.isNaN(d)) return Double.POSITIVE_INFINITY;
                    sum += kind == Kind.MEAN_SQUARED ? d * d : d;
                    max = Math.max(max, d);
                }
                count += r.length;
            }
        }
        if (kind == Kind.MAX_ABS) return max;
        return count == 0 ? 0 : sum / count;
    }

    @Override
    public String describe() {
        String k = switch (kind) {
            case MEAN_ABS -> "mae";
            case MEAN_SQUARED -> "mse";
            case MAX_ABS -> "max";
        };
        return outputs.isEmpty() ? k : k + ":" + String.join(",", outputs);
    }
}
