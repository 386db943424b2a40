package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.cbinfer.kernels.cb.DenseResult;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.post.LabelRule;
import org.cbinfer.kernels.post.Labels;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.zoo.ReferenceNetwork;

/**
 * How far change-based outputs are from dense ones, over several frames: the largest absolute difference,
 * the relative L2 error over all output tensors (absent when every output came back as labels only), and the
 * task-level figure: for label maps the share of pixels whose class differs ({@link LabelRule}'s labels, or the
 * backend's own where it returned the output as labels), for heatmaps the share of keypoints (channels) whose
 * arg-max position agrees.
 */
final class OutputComparison {
    /** Labels of tensors of several classes: the rule's argmax (its threshold is for one-channel outputs only). */
    private static final LabelRule LABELS = LabelRule.forProbabilities();
    private final ReferenceNetwork.Task task;
    private final String taskOutput;
    private long values;
    private double maxAbs;
    private double errorSquares;
    private double referenceSquares;
    private long taskAgree;
    private long taskTotal;
    private int frames;

    OutputComparison(ReferenceNetwork.Task task, String taskOutput) {
        this.task = task;
        this.taskOutput = taskOutput;
    }

    void add(DenseResult reference, FrameResult actual) {
        frames++;
        for (Map.Entry<String, Tensor> e : reference.outputs().entrySet()) {
            float[] r = e.getValue().data();
            float[] a = actual.outputs().get(e.getKey()).data();
            values += r.length;
            for (int i = 0; i < r.length; i++) {
                double d = (double) a[i] - r[i];
                maxAbs = Math.max(maxAbs, Math.abs(d));
                errorSquares += d * d;
                referenceSquares += (double) r[i] * r[i];
            }
        }
        if (task == ReferenceNetwork.Task.LABELS) {
            compareLabels(labels(reference.outputs(), reference.labels()), labels(actual.outputs(), actual.labels()));
        } else if (task != null) {
            compareHeatmaps(reference.outputs().get(taskOutput), actual.outputs().get(taskOutput));
        }
    }

    /** The task output's labels: the backend's, or the rule's of its tensor. */
    private Labels labels(Map<String, Tensor> tensors, Map<String, Labels> labels) {
        Labels l = labels.get(taskOutput);
        return l != null ? l : LABELS.labels(tensors.get(taskOutput));
    }

    private void compareLabels(Labels r, Labels a) {
        byte[] x = r.values(), y = a.values();
        for (int p = 0; p < x.length; p++) {
            if (x[p] == y[p]) taskAgree++;
            taskTotal++;
        }
    }

    /** Arg-max over positions per channel of [1, C, H, W]. */
    private void compareHeatmaps(Tensor r, Tensor a) {
        int c = r.dim(1), plane = r.dim(2) * r.dim(3);
        for (int k = 0; k < c; k++) {
            if (argmax(r.data(), k * plane, 1, plane) == argmax(a.data(), k * plane, 1, plane)) taskAgree++;
            taskTotal++;
        }
    }

    private static int argmax(float[] v, int start, int stride, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[start + i * stride] > v[start + best * stride]) best = i;
        return best;
    }

    int frames() {
        return frames;
    }

    /** NaN when no tensor was compared (outputs came back as labels only). */
    double relL2() {
        if (values == 0) return Double.NaN;
        return referenceSquares > 0 ? Math.sqrt(errorSquares / referenceSquares) : Math.sqrt(errorSquares);
    }

    /** Label mismatch (percent of pixels) or heatmap arg-max agreement (percent of keypoints); NaN without a task. */
    double taskPercent() {
        if (taskTotal == 0) return Double.NaN;
        double agree = 100.0 * taskAgree / taskTotal;
        return task == ReferenceNetwork.Task.LABELS ? 100.0 - agree : agree;
    }

    /** The figure's name in tables and JSON. */
    String taskFigure() {
        return task == null ? null : task == ReferenceNetwork.Task.LABELS ? "label_mismatch_pct" : "heatmap_argmax_agreement_pct";
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("frames_checked", frames);
        if (values > 0) {
            o.put("max_abs", maxAbs);
            o.put("rel_l2", relL2());
        }
        if (task != null && taskTotal > 0) {
            o.put(taskFigure(), taskPercent());
            o.put("task_output", taskOutput);
        }
        return o;
    }

    double maxAbs() {
        return values == 0 ? Double.NaN : maxAbs;
    }
}
