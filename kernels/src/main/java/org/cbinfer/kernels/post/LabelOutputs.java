package org.cbinfer.kernels.post;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Which graph outputs a backend returns as label maps, by which rules, and whether their tensors come back too
 * ({@code keepTensors}; by default not: not downloading the scores is the point). Outputs not named here come back
 * as tensors, as always. Set through {@code BackendBuilder.labels}.
 */
public record LabelOutputs(Map<String, LabelRule> rules, boolean keepTensors) {
    /** Every output as a tensor, no label maps. */
    public static final LabelOutputs NONE = new LabelOutputs(Map.of(), false);

    public LabelOutputs {
        rules = Map.copyOf(rules);
    }

    /** The rule of an output returned as labels, or null for an output returned as a tensor only. */
    public LabelRule rule(String output) {
        return rules.get(output);
    }

    /** Whether the output's tensor comes back. */
    public boolean returnsTensor(String output) {
        return keepTensors || !rules.containsKey(output);
    }

    /** The outputs that come back as tensors, of a frame's full outputs (in their order). */
    public Map<String, Tensor> tensors(Map<String, Tensor> outputs) {
        if (rules.isEmpty()) return outputs;
        Map<String, Tensor> kept = new LinkedHashMap<>();
        outputs.forEach((name, t) -> {
            if (returnsTensor(name)) kept.put(name, t);
        });
        return kept;
    }

    /** The label maps of a frame's full outputs, computed on the CPU. */
    public Map<String, Labels> labels(Map<String, Tensor> outputs) {
        if (rules.isEmpty()) return Map.of();
        Map<String, Labels> labels = new LinkedHashMap<>();
        outputs.forEach((name, t) -> {
            LabelRule rule = rules.get(name);
            if (rule != null) labels.put(name, rule.labels(t));
        });
        return labels;
    }
}
