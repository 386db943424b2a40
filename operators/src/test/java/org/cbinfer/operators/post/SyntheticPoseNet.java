package org.cbinfer.operators.post;

import java.util.Arrays;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Hand-made PoseNet outputs where the answer is known. {@link #person} writes, for each keypoint, a heatmap peak
 * at its nearest cell, that cell's offset to the exact position, and for each edge the forward displacement at
 * the parent's cell and the backward displacement at the child's cell, so decoding from any root lands on the
 * exact positions. Positions are multiples of 1/4 px, so every float on the way is exact.
 */
final class SyntheticPoseNet {
    static final int STRIDE = 16;
    /** Background logit: sigmoid(-10) = 4.5e-5. */
    static final float BACKGROUND = -10f;

    /** An upright person facing the camera, relative to the nose (dy, dx), input pixels; left side is image right. */
    static final double[][] UPRIGHT = {
        {0, 0}, {-6, 5}, {-6, -5}, {-3, 11}, {-3, -11},         // nose, eyes, ears
        {30, 22}, {30, -22}, {62, 28}, {62, -28}, {92, 30}, {92, -30}, // shoulders, elbows, wrists
        {96, 14}, {96, -14}, {140, 15}, {140, -15}, {182, 16}, {182, -16}, // hips, knees, ankles
    };

    final int h, w, hw;
    final float[] heat, offsets, fwd, bwd;

    SyntheticPoseNet(int h, int w) {
        this.h = h;
        this.w = w;
        hw = h * w;
        heat = new float[BodyPart.COUNT * hw];
        Arrays.fill(heat, BACKGROUND);
        offsets = new float[PoseNetOutputs.OFFSET_CHANNELS * hw];
        fwd = new float[PoseNetOutputs.DISPLACEMENT_CHANNELS * hw];
        bwd = new float[PoseNetOutputs.DISPLACEMENT_CHANNELS * hw];
    }

    /** Input size in pixels for this grid, PoseNet's convention: (cells - 1) * stride + 1. */
    int inputWidth() {
        return (w - 1) * STRIDE + 1;
    }

    int inputHeight() {
        return (h - 1) * STRIDE + 1;
    }

    /** Keypoint positions {y, x} of the upright template with its nose at (noseY, noseX). */
    static double[][] upright(double noseY, double noseX) {
        double[][] p = new double[BodyPart.COUNT][];
        for (int k = 0; k < p.length; k++) p[k] = new double[] {noseY + UPRIGHT[k][0], noseX + UPRIGHT[k][1]};
        return p;
    }

    /** Logits, all the same. */
    static float[] logits(float v) {
        float[] l = new float[BodyPart.COUNT];
        Arrays.fill(l, v);
        return l;
    }

    /** Logits falling from {@code top} by {@code step} per keypoint id, so the nose is the root. */
    static float[] falling(float top, float step) {
        float[] l = new float[BodyPart.COUNT];
        for (int k = 0; k < l.length; k++) l[k] = top - step * k;
        return l;
    }

    static float sigmoid(float logit) {
        return (float) (1.0 / (1.0 + Math.exp(-logit)));
    }

    SyntheticPoseNet person(double[][] pos, float[] logits) {
        for (int k = 0; k < BodyPart.COUNT; k++) peak(k, pos[k][0], pos[k][1], logits[k]);
        for (BodyPart.Edge e : BodyPart.EDGES) {
            double[] p = pos[e.parent().ordinal()], c = pos[e.child().ordinal()];
            displacement(fwd, e.index(), p, c[0] - p[0], c[1] - p[1]);
            displacement(bwd, e.index(), c, p[0] - c[0], p[1] - c[1]);
        }
        return this;
    }

    /** A heatmap peak for keypoint k at the cell nearest (y, x), with the offset to (y, x) there. */
    SyntheticPoseNet peak(int k, double y, double x, float logit) {
        return peakAtCell(k, cell(y, h), cell(x, w), y, x, logit);
    }

    /** A heatmap peak for keypoint k at cell (cy, cx), whose offset there points to (y, x), near or not. */
    SyntheticPoseNet peakAtCell(int k, int cy, int cx, double y, double x, float logit) {
        heat[k * hw + cy * w + cx] = logit;
        offsets[k * hw + cy * w + cx] = (float) (y - cy * STRIDE);
        offsets[(BodyPart.COUNT + k) * hw + cy * w + cx] = (float) (x - cx * STRIDE);
        return this;
    }

    /** Sets a heatmap logit at a cell, leaving offsets as they are. */
    SyntheticPoseNet logit(int k, int cy, int cx, float logit) {
        heat[k * hw + cy * w + cx] = logit;
        return this;
    }

    void displacement(float[] field, int edge, double[] at, double dy, double dx) {
        int cy = cell(at[0], h), cx = cell(at[1], w);
        field[edge * hw + cy * w + cx] = (float) dy;
        field[(16 + edge) * hw + cy * w + cx] = (float) dx;
    }

    static int cell(double v, int n) {
        long c = Math.round(v / STRIDE);
        if (c < 0 || c >= n) throw new IllegalArgumentException("position " + v + " outside the grid");
        return (int) c;
    }

    PoseNetOutputs outputs() {
        return new PoseNetOutputs(Tensor.of(new int[] {1, BodyPart.COUNT, h, w}, heat.clone()),
                Tensor.of(new int[] {1, PoseNetOutputs.OFFSET_CHANNELS, h, w}, offsets.clone()),
                Tensor.of(new int[] {1, PoseNetOutputs.DISPLACEMENT_CHANNELS, h, w}, fwd.clone()),
                Tensor.of(new int[] {1, PoseNetOutputs.DISPLACEMENT_CHANNELS, h, w}, bwd.clone()));
    }

    FrameGeometry unscaled() {
        return FrameGeometry.unscaled(inputWidth(), inputHeight());
    }
}
