package org.cbinfer.operators.post;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The 17 COCO keypoints PoseNet predicts, in the order of its heatmap channels, and the part tree its
 * displacement fields follow.
 */
@PublicEvolving
public enum BodyPart {
    NOSE("nose"),
    LEFT_EYE("leftEye"),
    RIGHT_EYE("rightEye"),
    LEFT_EAR("leftEar"),
    RIGHT_EAR("rightEar"),
    LEFT_SHOULDER("leftShoulder"),
    RIGHT_SHOULDER("rightShoulder"),
    LEFT_ELBOW("leftElbow"),
    RIGHT_ELBOW("rightElbow"),
    LEFT_WRIST("leftWrist"),
    RIGHT_WRIST("rightWrist"),
    LEFT_HIP("leftHip"),
    RIGHT_HIP("rightHip"),
    LEFT_KNEE("leftKnee"),
    RIGHT_KNEE("rightKnee"),
    LEFT_ANKLE("leftAnkle"),
    RIGHT_ANKLE("rightAnkle");

    /** Number of keypoints (heatmap channels). */
    public static final int COUNT = 17;

    /** One directed edge of the part tree: displacement channel {@code index} points from parent to child. */
    public record Edge(int index, BodyPart parent, BodyPart child) {}

    /**
     * The 16 edges, in displacement-channel order: the forward field at a parent's cell points to the
     * child, the backward field at a child's cell points to the parent.
     */
    public static final List<Edge> EDGES = edges(
            NOSE, LEFT_EYE,
            LEFT_EYE, LEFT_EAR,
            NOSE, RIGHT_EYE,
            RIGHT_EYE, RIGHT_EAR,
            NOSE, LEFT_SHOULDER,
            LEFT_SHOULDER, LEFT_ELBOW,
            LEFT_ELBOW, LEFT_WRIST,
            LEFT_SHOULDER, LEFT_HIP,
            LEFT_HIP, LEFT_KNEE,
            LEFT_KNEE, LEFT_ANKLE,
            NOSE, RIGHT_SHOULDER,
            RIGHT_SHOULDER, RIGHT_ELBOW,
            RIGHT_ELBOW, RIGHT_WRIST,
            RIGHT_SHOULDER, RIGHT_HIP,
            RIGHT_HIP, RIGHT_KNEE,
            RIGHT_KNEE, RIGHT_ANKLE);

    private static final BodyPart[] VALUES = values();

    private final String jsonName;

    BodyPart(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The camelCase name used in result JSON (and by TensorFlow.js PoseNet): {@code leftShoulder}. */
    public String jsonName() {
        return jsonName;
    }

    /** The part of heatmap channel {@code id}. */
    public static BodyPart of(int id) {
        if (id < 0 || id >= COUNT) throw new IllegalArgumentException("keypoint id " + id + " outside 0.." + (COUNT - 1));
        return VALUES[id];
    }

    /** The part with this JSON name. */
    public static BodyPart ofJsonName(String name) {
        for (BodyPart p : VALUES) {
            if (p.jsonName.equals(name)) return p;
        }
        throw new IllegalArgumentException("unknown keypoint name '" + name + "'");
    }

    private static List<Edge> edges(BodyPart... pairs) {
        Edge[] e = new Edge[pairs.length / 2];
        for (int i = 0; i < e.length; i++) e[i] = new Edge(i, pairs[2 * i], pairs[2 * i + 1]);
        return List.of(e);
    }
}
