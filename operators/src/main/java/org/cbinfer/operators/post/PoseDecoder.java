package org.cbinfer.operators.post;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Multi-person pose decoding from PoseNet's heatmaps, offsets and displacement fields: the algorithm of
 * TensorFlow.js PoseNet's {@code decodeMultiplePoses}, written anew here.
 *
 * <ol>
 *   <li>Scores: sigmoid of the heatmap logits (unless {@link PoseDecoderConfig#heatmapLogits()} is off).</li>
 *   <li>Root candidates: every (cell, keypoint) whose score is at least {@code scoreThreshold} and is not
 *       exceeded by any cell of the same keypoint within {@code localMaximumRadius} cells, taken highest score
 *       first (ties: top row, then left column, then lower keypoint id, so the result is deterministic).</li>
 *   <li>For each root: its position is {@code cell * stride + offset} (input pixels). If it lies within
 *       {@code nmsRadius} of the same keypoint of a pose decoded before, it is skipped. Otherwise the pose grows
 *       from the root over the part tree ({@link BodyPart#EDGES}): first towards the root of the tree (edges in
 *       reverse order, backward displacements), then towards the leaves (edges in order, forward displacements).
 *       A keypoint is reached from its known neighbour by adding the displacement stored at the neighbour's
 *       nearest cell, then {@code refineSteps} times re-anchored to its own nearest cell plus that cell's offset
 *       for the target keypoint; its score is the heatmap score at its final nearest cell.</li>
 *   <li>Pose score: the sum of the scores of its keypoints that are not within {@code nmsRadius} of the same
 *       keypoint of an earlier pose, divided by 17 (suppressed keypoints count as 0, as in PoseNet).</li>
 *   <li>Stop after {@code maxDetections} poses; scale positions to the frame ({@link FrameGeometry}); drop poses
 *       scoring below {@code minPoseScore}.</li>
 * </ol>
 * "Nearest cell" of a point is {@code round(p / stride)} per axis (halves up), clamped to the grid.
 * Instances are immutable and thread-safe.
 */
@PublicEvolving
public final class PoseDecoder {
    private static final int K = BodyPart.COUNT;
    private static final int EDGE_COUNT = BodyPart.EDGES.size();
    private static final int[] EDGE_PARENT = new int[EDGE_COUNT];
    private static final int[] EDGE_CHILD = new int[EDGE_COUNT];

    static {
        for (BodyPart.Edge e : BodyPart.EDGES) {
            EDGE_PARENT[e.index()] = e.parent().ordinal();
            EDGE_CHILD[e.index()] = e.child().ordinal();
        }
    }

    private final PoseDecoderConfig config;

    public PoseDecoder(PoseDecoderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public PoseDecoder() {
        this(PoseDecoderConfig.defaults());
    }

    public PoseDecoderConfig config() {
        return config;
    }

    /** Decodes the poses of one frame; persons come highest root score first. */
    public List<Person> decode(PoseNetOutputs outputs, FrameGeometry geometry) {
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(geometry, "geometry");
        Grid g = new Grid(outputs, config);
        PriorityQueue<Candidate> queue = candidates(g);
        double sqNms = config.nmsRadius() * config.nmsRadius();
        List<Pose> poses = new ArrayList<>();
        while (poses.size() < config.maxDetections() && !queue.isEmpty()) {
            Candidate root = queue.poll();
            double ry = (double) root.y * g.stride + g.offsetY(root.id, root.y, root.x);
            double rx = (double) root.x * g.stride + g.offsetX(root.id, root.y, root.x);
            if (withinNms(poses, sqNms, ry, rx, root.id)) continue;
            Pose pose = decodePose(g, root, ry, rx);
            double sum = 0;
            for (int k = 0; k < K; k++) {
                if (!withinNms(poses, sqNms, pose.y[k], pose.x[k], k)) sum += pose.score[k];
            }
            pose.instanceScore = sum / K;
            poses.add(pose);
        }
        double sx = geometry.scaleX(), sy = geometry.scaleY();
        List<Person> persons = new ArrayList<>(poses.size());
        for (Pose p : poses) {
            if (p.instanceScore < config.minPoseScore()) continue;
            List<Keypoint> keypoints = new ArrayList<>(K);
            for (int k = 0; k < K; k++) keypoints.add(new Keypoint(BodyPart.of(k), p.x[k] * sx, p.y[k] * sy, p.score[k]));
            persons.add(new Person(p.instanceScore, keypoints));
        }
        return List.copyOf(persons);
    }

    private PriorityQueue<Candidate> candidates(Grid g) {
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Comparator.comparingDouble((Candidate c) -> -c.score)
                .thenComparingInt(c -> c.y).thenComparingInt(c -> c.x).thenComparingInt(c -> c.id));
        int r = config.localMaximumRadius();
        double threshold = config.scoreThreshold();
        for (int k = 0; k < K; k++) {
            for (int y = 0; y < g.h; y++) {
                for (int x = 0; x < g.w; x++) {
                    float s = g.score(k, y, x);
                    if (!(s >= threshold)) continue;
                    if (isLocalMaximum(g, k, y, x, s, r)) queue.add(new Candidate(k, y, x, s));
                }
            }
        }
        return queue;
    }

    private static boolean isLocalMaximum(Grid g, int k, int y, int x, float s, int r) {
        int y0 = Math.max(y - r, 0), y1 = Math.min(y + r, g.h - 1);
        int x0 = Math.max(x - r, 0), x1 = Math.min(x + r, g.w - 1);
        for (int yy = y0; yy <= y1; yy++) {
            for (int xx = x0; xx <= x1; xx++) {
                if (g.score(k, yy, xx) > s) return false;
            }
        }
        return true;
    }

    private static boolean withinNms(List<Pose> poses, double sqNms, double y, double x, int k) {
        for (Pose p : poses) {
            double dy = p.y[k] - y, dx = p.x[k] - x;
            if (dy * dy + dx * dx <= sqNms) return true;
        }
        return false;
    }

    private Pose decodePose(Grid g, Candidate root, double ry, double rx) {
        Pose pose = new Pose();
        boolean[] known = new boolean[K];
        pose.set(root.id, ry, rx, root.score);
        known[root.id] = true;
        // towards the root of the tree: child -> parent over backward displacements
        for (int e = EDGE_COUNT - 1; e >= 0; e--) {
            int src = EDGE_CHILD[e], dst = EDGE_PARENT[e];
            if (known[src] && !known[dst]) {
                traverse(g, g.bwd, e, pose, src, dst);
                known[dst] = true;
            }
        }
        // towards the leaves: parent -> child over forward displacements
        for (int e = 0; e < EDGE_COUNT; e++) {
            int src = EDGE_PARENT[e], dst = EDGE_CHILD[e];
            if (known[src] && !known[dst]) {
                traverse(g, g.fwd, e, pose, src, dst);
                known[dst] = true;
            }
        }
        return pose;
    }

    private void traverse(Grid g, float[] displacement, int edge, Pose pose, int src, int dst) {
        int cy = g.nearestRow(pose.y[src]), cx = g.nearestCol(pose.x[src]);
        double ty = pose.y[src] + displacement[g.index(edge, cy, cx)];
        double tx = pose.x[src] + displacement[g.index(EDGE_COUNT + edge, cy, cx)];
        for (int i = 0; i < config.refineSteps(); i++) {
            cy = g.nearestRow(ty);
            cx = g.nearestCol(tx);
            ty = (double) cy * g.stride + g.offsetY(dst, cy, cx);
            tx = (double) cx * g.stride + g.offsetX(dst, cy, cx);
        }
        pose.set(dst, ty, tx, g.score(dst, g.nearestRow(ty), g.nearestCol(tx)));
    }

    /** The output tensors as flat NCHW arrays, with scores already through the sigmoid. */
    private static final class Grid {
        final int h, w, hw, stride;
        final float[] scores, offsets, fwd, bwd;

        Grid(PoseNetOutputs o, PoseDecoderConfig c) {
            h = o.height();
            w = o.width();
            hw = h * w;
            stride = c.outputStride();
            float[] heat = o.heatmap().data();
            if (c.heatmapLogits()) {
                scores = new float[heat.length];
                for (int i = 0; i < heat.length; i++) scores[i] = (float) (1.0 / (1.0 + Math.exp(-heat[i])));
            } else {
                scores = heat;
            }
            offsets = o.offsets().data();
            fwd = o.displacementFwd().data();
            bwd = o.displacementBwd().data();
        }

        int index(int channel, int y, int x) {
            return channel * hw + y * w + x;
        }

        float score(int k, int y, int x) {
            return scores[index(k, y, x)];
        }

        float offsetY(int k, int y, int x) {
            return offsets[index(k, y, x)];
        }

        float offsetX(int k, int y, int x) {
            return offsets[index(K + k, y, x)];
        }

        int nearestRow(double py) {
            return clamp(Math.round(py / stride), h);
        }

        int nearestCol(double px) {
            return clamp(Math.round(px / stride), w);
        }

        private static int clamp(long v, int n) {
            return (int) Math.max(0, Math.min(n - 1, v));
        }
    }

    private record Candidate(int id, int y, int x, float score) {}

    /** A pose under construction, in input pixels. */
    private static final class Pose {
        final double[] y = new double[K], x = new double[K], score = new double[K];
        double instanceScore;

        void set(int k, double py, double px, double s) {
            y[k] = py;
            x[k] = px;
            score[k] = s;
        }
    }
}
