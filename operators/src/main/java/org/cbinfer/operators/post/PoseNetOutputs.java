package org.cbinfer.operators.post;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The four PoseNet output tensors of one frame, NCHW {@code [1, C, H, W]} on one H x W grid:
 * <ul>
 *   <li>heatmap: 17 channels, one per {@link BodyPart};</li>
 *   <li>offsets: 34 channels, the 17 y offsets then the 17 x offsets (input pixels from the cell's corner
 *       point {@code cell * stride});</li>
 *   <li>displacementFwd / displacementBwd: 32 channels, the 16 y displacements then the 16 x displacements,
 *       one per {@link BodyPart#EDGES edge}: forward from parent to child, backward from child to parent.</li>
 * </ul>
 * The constructor checks all of that and says what is wrong.
 */
@PublicEvolving
public record PoseNetOutputs(Tensor heatmap, Tensor offsets, Tensor displacementFwd, Tensor displacementBwd) {
    public static final int OFFSET_CHANNELS = 2 * BodyPart.COUNT;
    public static final int DISPLACEMENT_CHANNELS = 2 * 16;

    public PoseNetOutputs {
        check("heatmap", heatmap, BodyPart.COUNT, "one per keypoint");
        check("offsets", offsets, OFFSET_CHANNELS, "17 y then 17 x");
        check("displacementFwd", displacementFwd, DISPLACEMENT_CHANNELS, "16 edges y then 16 edges x");
        check("displacementBwd", displacementBwd, DISPLACEMENT_CHANNELS, "16 edges y then 16 edges x");
        int h = heatmap.dim(2), w = heatmap.dim(3);
        for (Tensor t : new Tensor[] {offsets, displacementFwd, displacementBwd}) {
            if (t.dim(2) != h || t.dim(3) != w) {
                throw new IllegalArgumentException("all outputs must share the heatmap's " + h + "x" + w
                        + " grid (H x W); got " + Arrays.toString(t.shapeRef()) + " beside heatmap "
                        + Arrays.toString(heatmap.shapeRef()));
            }
        }
    }

    /** Grid height (heatmap rows). */
    public int height() {
        return heatmap.dim(2);
    }

    /** Grid width (heatmap columns). */
    public int width() {
        return heatmap.dim(3);
    }

    /**
     * Picks the four outputs out of an engine's named outputs by name: the one whose name contains
     * {@code heatmap}, {@code offset}, {@code displacement_fwd} and {@code displacement_bwd} (case-insensitive),
     * as in the shared PoseNet ({@code MobilenetV1/heatmap_2/BiasAdd}, ...).
     */
    public static PoseNetOutputs fromNamed(Map<String, Tensor> outputs) {
        Objects.requireNonNull(outputs, "outputs");
        return new PoseNetOutputs(pick(outputs, "heatmap"), pick(outputs, "offset"), pick(outputs, "displacement_fwd"),
                pick(outputs, "displacement_bwd"));
    }

    private static Tensor pick(Map<String, Tensor> outputs, String part) {
        List<String> hits = new ArrayList<>();
        for (String name : outputs.keySet()) {
            if (name.toLowerCase(Locale.ROOT).contains(part)) hits.add(name);
        }
        if (hits.size() != 1) {
            throw new IllegalArgumentException("expected exactly one output named like '" + part + "', found " + hits
                    + " among " + outputs.keySet());
        }
        return outputs.get(hits.get(0));
    }

    private static void check(String what, Tensor t, int channels, String layout) {
        if (t == null) throw new IllegalArgumentException(what + " is missing");
        int[] s = t.shapeRef();
        if (s.length != 4) {
            throw new IllegalArgumentException(what + " must be NCHW [1, " + channels + ", H, W], got rank " + s.length
                    + " " + Arrays.toString(s));
        }
        if (s[0] != 1) {
            throw new IllegalArgumentException(what + " must hold one frame (N = 1), got N = " + s[0] + " in "
                    + Arrays.toString(s));
        }
        if (s[1] != channels) {
            throw new IllegalArgumentException(what + " must have " + channels + " channels (" + layout + "), got "
                    + s[1] + " in " + Arrays.toString(s) + (s[3] == channels ? " (is it NHWC?)" : ""));
        }
        if (s[2] <= 0 || s[3] <= 0) throw new IllegalArgumentException(what + " has an empty grid " + Arrays.toString(s));
    }
}
