package org.cbinfer.operators.post;

import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One detected person: the pose score (0..1; see {@link PoseDecoder} for how it is computed) and all 17
 * keypoints, in {@link BodyPart} order ({@code keypoints().get(p.ordinal())} is part {@code p}).
 */
@PublicEvolving
public record Person(double score, List<Keypoint> keypoints) {
    public Person {
        if (!Double.isFinite(score)) throw new IllegalArgumentException("pose score is not finite: " + score);
        keypoints = List.copyOf(Objects.requireNonNull(keypoints, "keypoints"));
        if (keypoints.size() != BodyPart.COUNT) {
            throw new IllegalArgumentException("a person has " + BodyPart.COUNT + " keypoints, got " + keypoints.size());
        }
        for (int i = 0; i < BodyPart.COUNT; i++) {
            if (keypoints.get(i).part() != BodyPart.of(i)) {
                throw new IllegalArgumentException("keypoint " + i + " must be " + BodyPart.of(i).jsonName() + ", got "
                        + keypoints.get(i).part().jsonName());
            }
        }
    }

    public Keypoint keypoint(BodyPart part) {
        return keypoints.get(part.ordinal());
    }
}
