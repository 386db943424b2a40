package org.cbinfer.operators.post;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One keypoint of a detected person: where it is in the original frame (pixels, x to the right, y down,
 * origin at the top-left corner of the frame) and how confident the heatmap is there (a probability in 0..1).
 */
@PublicEvolving
public record Keypoint(BodyPart part, double x, double y, double score) {
    public Keypoint {
        Objects.requireNonNull(part, "part");
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(score)) {
            throw new IllegalArgumentException("keypoint " + part.jsonName() + " is not finite: x=" + x + " y=" + y
                    + " score=" + score);
        }
    }

    /** Euclidean distance to another point, in pixels. */
    public double distanceTo(Keypoint other) {
        return Math.hypot(x - other.x, y - other.y);
    }
}
