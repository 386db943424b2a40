package org.cbinfer.operators.post;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Parameters of {@link PoseDecoder}. Distances are in model-input pixels (before scaling to the frame), as in
 * TensorFlow.js PoseNet. {@link #defaults()} are PoseNet's defaults for multi-person decoding.
 *
 * @param outputStride        input pixels per heatmap cell (16 for the shared PoseNet)
 * @param heatmapLogits       true when the heatmap holds logits (the shared model; the decoder applies the
 *                            sigmoid), false when it already holds probabilities
 * @param scoreThreshold      a heatmap cell is a root candidate only if its score is at least this (0.5)
 * @param localMaximumRadius  ... and no cell within this many cells (Chebyshev distance, same keypoint) scores
 *                            higher (1)
 * @param nmsRadius           a root candidate within this many pixels of the same keypoint of an already
 *                            decoded pose is skipped, and such keypoints do not count towards a pose's score (20)
 * @param maxDetections       at most this many poses are decoded (10)
 * @param refineSteps         times a keypoint reached over a displacement is re-anchored to its nearest cell and
 *                            that cell's offset (2)
 * @param minPoseScore        poses scoring below this are dropped from the result after decoding (they still
 *                            count for non-maximum suppression and towards maxDetections); 0 keeps every pose
 */
@PublicEvolving
public record PoseDecoderConfig(int outputStride, boolean heatmapLogits, double scoreThreshold, int localMaximumRadius,
        double nmsRadius, int maxDetections, int refineSteps, double minPoseScore) {

    public PoseDecoderConfig {
        if (outputStride <= 0) throw new IllegalArgumentException("outputStride must be positive, got " + outputStride);
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("scoreThreshold must be in 0..1, got " + scoreThreshold);
        }
        if (localMaximumRadius < 0) {
            throw new IllegalArgumentException("localMaximumRadius must not be negative, got " + localMaximumRadius);
        }
        if (!(nmsRadius >= 0) || Double.isInfinite(nmsRadius)) {
            throw new IllegalArgumentException("nmsRadius must be finite and not negative, got " + nmsRadius);
        }
        if (maxDetections <= 0) throw new IllegalArgumentException("maxDetections must be positive, got " + maxDetections);
        if (refineSteps < 0) throw new IllegalArgumentException("refineSteps must not be negative, got " + refineSteps);
        if (!(minPoseScore >= 0 && minPoseScore <= 1)) {
            throw new IllegalArgumentException("minPoseScore must be in 0..1, got " + minPoseScore);
        }
    }

    public static PoseDecoderConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().outputStride(outputStride).heatmapLogits(heatmapLogits).scoreThreshold(scoreThreshold)
                .localMaximumRadius(localMaximumRadius).nmsRadius(nmsRadius).maxDetections(maxDetections)
                .refineSteps(refineSteps).minPoseScore(minPoseScore);
    }

    /** Starts from the defaults. */
    public static final class Builder {
        private int outputStride = 16;
        private boolean heatmapLogits = true;
        private double scoreThreshold = 0.5;
        private int localMaximumRadius = 1;
        private double nmsRadius = 20;
        private int maxDetections = 10;
        private int refineSteps = 2;
        private double minPoseScore = 0;

        private Builder() {}

        public Builder outputStride(int v) { outputStride = v; return this; }
        public Builder heatmapLogits(boolean v) { heatmapLogits = v; return this; }
        public Builder scoreThreshold(double v) { scoreThreshold = v; return this; }
        public Builder localMaximumRadius(int v) { localMaximumRadius = v; return this; }
        public Builder nmsRadius(double v) { nmsRadius = v; return this; }
        public Builder maxDetections(int v) { maxDetections = v; return this; }
        public Builder refineSteps(int v) { refineSteps = v; return this; }
        public Builder minPoseScore(double v) { minPoseScore = v; return this; }

        public PoseDecoderConfig build() {
            return new PoseDecoderConfig(outputStride, heatmapLogits, scoreThreshold, localMaximumRadius, nmsRadius,
                    maxDetections, refineSteps, minPoseScore);
        }
    }
}
