package org.cbinfer.operators.post;

import org.apache.flink.annotation.PublicEvolving;

/**
 * How model-input pixels map back to the original frame: the frame (frameWidth x frameHeight) was resized,
 * without keeping its aspect ratio, to the network input (inputWidth x inputHeight). A point (x, y) in input
 * pixels is (x * scaleX, y * scaleY) in the frame, as TensorFlow.js PoseNet scales its poses.
 */
@PublicEvolving
public record FrameGeometry(int inputWidth, int inputHeight, int frameWidth, int frameHeight) {
    public FrameGeometry {
        if (inputWidth <= 0 || inputHeight <= 0 || frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("sizes must be positive: input " + inputWidth + "x" + inputHeight
                    + ", frame " + frameWidth + "x" + frameHeight);
        }
    }

    /** Results in input pixels (the frame is the input). */
    public static FrameGeometry unscaled(int inputWidth, int inputHeight) {
        return new FrameGeometry(inputWidth, inputHeight, inputWidth, inputHeight);
    }

    public double scaleX() {
        return frameWidth / (double) inputWidth;
    }

    public double scaleY() {
        return frameHeight / (double) inputHeight;
    }
}
