package org.cbinfer.kernels.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The built-in {@link TuningLoss}es. All but {@link #labelError} compare with the dense model's outputs,
 * which is what a user with a new camera and no labels has.
 *
 * <p>Specs (what {@link #parse} reads, and {@code bin/cbinfer tune --loss} takes):
 * <ul>
 *   <li>{@code mae[:OUT,...]} mean absolute error of the chosen outputs (all when none named);
 *   <li>{@code mse[:OUT,...]} mean squared error (the reference's pose loss);
 *   <li>{@code max[:OUT,...]} largest absolute error;
 *   <li>{@code keypoints[:OUT][@K]} fraction of (frame, keypoint) pairs whose heatmap arg-max cell moved by
 *       more than K cells (Chebyshev distance; K defaults to 0) from the dense one; OUT defaults to the
 *       first output whose name contains "heatmap";
 *   <li>{@code pixels[:OUT][@CUT]} fraction of pixels whose label differs from the dense label: arg-max over
 *       channels, or value &gt; CUT for a one-channel map (CUT 0.5 for probabilities, 0 for logits: the
 *       same as sigmoid &gt; 0.5).
 * </ul>
 */
public final class Losses {
    private Losses() {}

    /** Mean absolute error over every value of the chosen outputs (all outputs when none are given). */
    public static TuningLoss meanAbsError(List<String> outputs) {
        return new OutputError(OutputError.Kind.MEAN_ABS, outputs);
    }

    public static TuningLoss meanSquaredError(List<String> outputs) {
        return new OutputError(OutputError.Kind.MEAN_SQUARED, outputs);
    }

    public static TuningLoss maxAbsError(List<String> outputs) {
        return new OutputError(OutputError.Kind.MAX_ABS, outputs);
    }

    /** Pose: the share of keypoints whose heatmap arg-max cell moved by more than {@code cells} cells. */
    public static TuningLoss keypointDisagreement(String heatmapOutput, int cells) {
        return new KeypointDisagreement(heatmapOutput, cells);
    }

    /** Label maps: the share of pixels whose label (arg-max, or value &gt; cut for one channel) changed. */
    public static TuningLoss pixelDisagreement(String output, float cut) {
        return new PixelDisagreement(output, cut, null);
    }

    /**
     * Label maps against user labels: the share of labelled pixels whose label differs from the user's.
     * {@code labels} maps a tuning-set frame position to its labels (row-major class indices at the output's
     * resolution; {@link #IGNORE} where unlabelled); frames without an entry do not count.
     */
    public static TuningLoss labelError(String output, float cut, Map<Integer, int[]> labels) {
        return new PixelDisagreement(output, cut, Map.copyOf(labels));
    }

    /** A label value that marks a pixel as unlabelled. */
    public static final int IGNORE = 255;

    /**
     * A loss from its spec (see the class comment).
     *
     * @throws IllegalArgumentException naming the spec and what is wrong with it
     */
    public static TuningLoss parse(String spec, Graph graph) {
        String s = spec.trim();
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) end++;
        String kind = s.substring(0, end);
        String arg = s.startsWith(":", end) ? s.substring(end + 1) : s.substring(end);
        try {
            return switch (kind) {
                case "mae" -> meanAbsError(outputs(arg, graph));
                case "mse" -> meanSquaredError(outputs(arg, graph));
                case "max" -> maxAbsError(outputs(arg, graph));
                case "keypoints" -> {
                    String[] p = splitAt(arg);
                    String out = p[0].isEmpty() ? heatmap(graph) : checked(p[0], graph);
                    int k = p[1] == null ? 0 : Integer.parseInt(p[1]);
                    if (k < 0) throw new IllegalArgumentException("K must be >= 0");
                    yield keypointDisagreement(out, k);
                }
                case "pixels" -> {
                    String[] p = splitAt(arg);
                    String out = p[0].isEmpty() ? graph.outputs().get(0) : checked(p[0], graph);
                    yield pixelDisagreement(out, p[1] == null ? 0.5f : Float.parseFloat(p[1]));
                }
                default -> throw new IllegalArgumentException("unknown loss '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss '" + spec + "': " + e.getMessage()
                    + " (losses: mae[:OUT,...], mse[:OUT,...], max[:OUT,...], keypoints[:OUT][@K], pixels[:OUT][@CUT];"
                    + " outputs: " + graph.outputs() + ")", e);
        }
    }

    private static String[] splitAt(String arg) {
        int at = arg.lastIndexOf('@');
        return at < 0 ? new String[] {arg, null} : new String[] {arg.substring(0, at), arg.substring(at + 1)};
    }

    private static List<String> outputs(String arg, Graph graph) {
        List<String> names = new ArrayList<>();
        if (arg.isBlank()) return names;
        for (String n : arg.split(",")) names.add(checked(n.trim(), graph));
        return names;
    }

    /** An output named exactly, or the only output whose name contains the given text. */
    private static String checked(String name, Graph graph) {
        if (graph.outputs().contains(name)) return name;
        List<String> matches = graph.outputs().stream().filter(o -> o.contains(name)).toList();
        if (matches.size() == 1) return matches.get(0);
        throw new IllegalArgumentException(matches.isEmpty() ? "the model has no output '" + name + "'"
                : "'" + name + "' matches several outputs " + matches);
    }

    private static String heatmap(Graph graph) {
        return graph.outputs().stream().filter(o -> o.toLowerCase().contains("heatmap")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no output name contains 'heatmap': name the output"));
    }

    static Tensor output(Map<String, Tensor> outputs, String name, String role) {
        Tensor t = outputs.get(name);
        if (t == null) throw new IllegalArgumentException(role + " outputs have no '" + name + "' (they have " + outputs.keySet() + ")");
        return t;
    }
}
