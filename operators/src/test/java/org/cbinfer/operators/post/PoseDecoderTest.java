package org.cbinfer.operators.post;

import static org.cbinfer.operators.post.SyntheticPoseNet.falling;
import static org.cbinfer.operators.post.SyntheticPoseNet.logits;
import static org.cbinfer.operators.post.SyntheticPoseNet.sigmoid;
import static org.cbinfer.operators.post.SyntheticPoseNet.upright;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Decoding hand-made outputs whose answer is known exactly. */
class PoseDecoderTest {
    /** 21 x 25 cells: a 321 x 385 input at stride 16. */
    private static final int H = 21, W = 25;
    private static final double[][] A = upright(40.25, 100.75);
    private static final PoseDecoder DEFAULT = new PoseDecoder();

    private static SyntheticPoseNet net() {
        return new SyntheticPoseNet(H, W);
    }

    private static List<Person> decode(PoseDecoder d, SyntheticPoseNet net) {
        return d.decode(net.outputs(), net.unscaled());
    }

    /** Every keypoint exactly where it was put (scaled), with the sigmoid of its logit as score. */
    private static void assertPose(Person p, double[][] pos, float[] logits, double sx, double sy) {
        for (BodyPart part : BodyPart.values()) {
            Keypoint k = p.keypoint(part);
            int i = part.ordinal();
            assertEquals(part, k.part());
            assertEquals(pos[i][1] * sx, k.x(), 1e-9, part + " x");
            assertEquals(pos[i][0] * sy, k.y(), 1e-9, part + " y");
            assertEquals(sigmoid(logits[i]), k.score(), 1e-7, part + " score");
        }
    }

    private static double mean(float[] logits) {
        double s = 0;
        for (float l : logits) s += sigmoid(l);
        return s / logits.length;
    }

    @Test
    void onePersonDecodesExactly() {
        float[] l = falling(4f, 0.1f);
        List<Person> persons = decode(DEFAULT, net().person(A, l));
        assertEquals(1, persons.size(), "the other 16 peaks are within nmsRadius of the decoded keypoints");
        assertPose(persons.get(0), A, l, 1, 1);
        assertEquals(mean(l), persons.get(0).score(), 1e-7, "pose score = mean of the 17 keypoint scores");
    }

    @Test
    void rootAtALeafStillReachesEveryKeypoint() {
        // the left ankle scores highest: the pose is built up the tree over backward displacements
        // (ankle, knee, hip, shoulder, nose) and then down the other branches over forward ones
        float[] l = logits(1f);
        l[BodyPart.LEFT_ANKLE.ordinal()] = 5f;
        List<Person> persons = decode(DEFAULT, net().person(A, l));
        assertEquals(1, persons.size());
        assertPose(persons.get(0), A, l, 1, 1);
    }

    @Test
    void twoSeparatedPersonsGiveTwoPosesHighestRootFirst() {
        double[][] b = upright(60.5, 260.25);
        float[] la = falling(2f, 0.05f), lb = falling(3f, 0.05f);
        List<Person> persons = decode(DEFAULT, net().person(A, la).person(b, lb));
        assertEquals(2, persons.size());
        assertPose(persons.get(0), b, lb, 1, 1);
        assertPose(persons.get(1), A, la, 1, 1);
        assertEquals(mean(lb), persons.get(0).score(), 1e-7);
        assertEquals(mean(la), persons.get(1).score(), 1e-7);
    }

    @Test
    void nmsSuppressesADuplicateRootNearTheSameKeypoint() {
        // A's nose is at cell (3, 6); a second nose peak two cells right (3, 8) is its own local maximum
        assertEquals(3, SyntheticPoseNet.cell(A[0][0], H));
        assertEquals(6, SyntheticPoseNet.cell(A[0][1], W));
        float[] l = falling(4f, 0.1f);
        // its offset points back to 10 px from A's nose
        SyntheticPoseNet pulled = net().person(A, l).peakAtCell(0, 3, 8, 40.25, 110.75, 3.5f);
        assertEquals(1, decode(DEFAULT, pulled).size());

        SyntheticPoseNet apart = net().person(A, l).peakAtCell(0, 3, 8, 40.25, 128.75, 3.5f); // 28 px from A's nose
        List<Person> two = decode(DEFAULT, apart);
        assertEquals(2, two.size());
        assertPose(two.get(0), A, l, 1, 1);
        Keypoint root = two.get(1).keypoint(BodyPart.NOSE);
        assertEquals(128.75, root.x(), 1e-9);
        assertEquals(40.25, root.y(), 1e-9);
        assertEquals(sigmoid(3.5f), root.score(), 1e-7);
        assertTrue(two.get(1).score() < 0.1, "no other part of the duplicate is supported: " + two.get(1).score());

        PoseDecoder wide = new PoseDecoder(PoseDecoderConfig.builder().nmsRadius(30).build());
        assertEquals(1, decode(wide, apart).size(), "28 px is within a 30 px nmsRadius");
    }

    @Test
    void scoreThresholdGatesRootsOnly() {
        double[][] b = upright(60.5, 260.25);
        float weak = -0.75f;                                   // sigmoid = 0.3208
        float[] la = falling(3f, 0.1f);
        la[BodyPart.LEFT_WRIST.ordinal()] = -4f;               // 0.018: below threshold, still decoded from the root
        SyntheticPoseNet net = net().person(A, la).person(b, logits(weak));

        List<Person> one = decode(DEFAULT, net);
        assertEquals(1, one.size(), "B's peaks all score 0.32 < 0.5");
        assertPose(one.get(0), A, la, 1, 1);

        double s = sigmoid(weak);
        assertEquals(2, decode(new PoseDecoder(PoseDecoderConfig.builder().scoreThreshold(s).build()), net).size(),
                "a score equal to the threshold qualifies");
        assertEquals(1, decode(new PoseDecoder(PoseDecoderConfig.builder().scoreThreshold(Math.nextUp(s)).build()), net)
                .size());
        List<Person> low = decode(new PoseDecoder(PoseDecoderConfig.builder().scoreThreshold(0.3).build()), net);
        assertPose(low.get(1), b, logits(weak), 1, 1);
    }

    @Test
    void onlyLocalMaximaAreRoots() {
        // a weaker nose peak in the cell next to A's, placed 31 px away (outside nmsRadius)
        float[] l = falling(3f, 0.1f);
        SyntheticPoseNet net = net().person(A, l).peakAtCell(0, 3, 7, 40.25, 132, 2f);
        assertEquals(1, decode(DEFAULT, net).size(), "its neighbour (A's nose) scores higher");
        PoseDecoder radius0 = new PoseDecoder(PoseDecoderConfig.builder().localMaximumRadius(0).build());
        List<Person> two = decode(radius0, net);
        assertEquals(2, two.size());
        assertEquals(132, two.get(1).keypoint(BodyPart.NOSE).x(), 1e-9);
    }

    @Test
    void keypointsNearAnEarlierPoseDoNotCountTowardsTheScore() {
        float[] la = falling(4f, 0.1f), lb = logits(2f);
        double[][] b = upright(40.25, 148.75);                 // 48 px right of A: nothing within 20 px ...
        int ankle = BodyPart.LEFT_ANKLE.ordinal();
        b[ankle] = new double[] {A[ankle][0], A[ankle][1] + 12}; // ... but its left ankle, 12 px from A's
        List<Person> persons = decode(DEFAULT, net().person(A, la).person(b, lb));
        assertEquals(2, persons.size());
        assertPose(persons.get(1), b, lb, 1, 1);
        assertEquals(16 * sigmoid(2f) / 17.0, persons.get(1).score(), 1e-7,
                "the suppressed ankle counts as 0 and the sum is still divided by 17");
    }

    @Test
    void maxDetectionsKeepsTheStrongestRoots() {
        double[][] p1 = upright(40.25, 60.25), p2 = upright(40.25, 180.25), p3 = upright(40.25, 300.25);
        SyntheticPoseNet net = net().person(p1, logits(2f)).person(p2, logits(3f)).person(p3, logits(2.5f));
        assertEquals(3, decode(DEFAULT, net).size());
        List<Person> two = decode(new PoseDecoder(PoseDecoderConfig.builder().maxDetections(2).build()), net);
        assertEquals(2, two.size());
        assertPose(two.get(0), p2, logits(3f), 1, 1);
        assertPose(two.get(1), p3, logits(2.5f), 1, 1);
    }

    @Test
    void minPoseScoreDropsWeakPoses() {
        double[][] b = upright(60.5, 260.25);
        SyntheticPoseNet net = net().person(A, logits(3f)).person(b, logits(1f)); // pose scores 0.953, 0.731
        assertEquals(2, decode(DEFAULT, net).size());
        List<Person> strong = decode(new PoseDecoder(PoseDecoderConfig.builder().minPoseScore(0.8).build()), net);
        assertEquals(1, strong.size());
        assertEquals(sigmoid(3f), strong.get(0).score(), 1e-7);
    }

    @Test
    void positionsScaleToTheFrame() {
        float[] l = falling(4f, 0.1f);
        SyntheticPoseNet net = net().person(A, l);
        FrameGeometry g = new FrameGeometry(net.inputWidth(), net.inputHeight(), 2 * net.inputWidth(), 3 * net.inputHeight());
        List<Person> persons = DEFAULT.decode(net.outputs(), g);
        assertPose(persons.get(0), A, l, 2, 3);
    }

    @Test
    void refinementSnapsAnImpreciseDisplacementOntoTheTargetsOffset() {
        float[] l = falling(4f, 0.1f);
        SyntheticPoseNet net = net().person(A, l);
        int elbow = BodyPart.LEFT_ELBOW.ordinal(), wrist = BodyPart.LEFT_WRIST.ordinal();
        int edge = 6;
        assertEquals(BodyPart.LEFT_WRIST, BodyPart.EDGES.get(edge).child());
        // the forward displacement elbow -> wrist is off by (+3, -4) px: still nearest to the wrist's cell
        net.displacement(net.fwd, edge, A[elbow], A[wrist][0] - A[elbow][0] + 3, A[wrist][1] - A[elbow][1] - 4);
        assertPose(decode(DEFAULT, net).get(0), A, l, 1, 1);
        Keypoint raw = decode(new PoseDecoder(PoseDecoderConfig.builder().refineSteps(0).build()), net).get(0)
                .keypoint(BodyPart.LEFT_WRIST);
        assertEquals(A[wrist][0] + 3, raw.y(), 1e-9);
        assertEquals(A[wrist][1] - 4, raw.x(), 1e-9);
    }

    @Test
    void probabilityHeatmapsSkipTheSigmoid() {
        float[] l = falling(4f, 0.1f);
        SyntheticPoseNet net = net().person(A, l);
        float[] p = net.heat.clone();
        for (int i = 0; i < p.length; i++) p[i] = sigmoid(p[i]);
        PoseNetOutputs o = net.outputs();
        PoseNetOutputs probs = new PoseNetOutputs(Tensor.of(o.heatmap().shape(), p), o.offsets(), o.displacementFwd(),
                o.displacementBwd());
        List<Person> persons = new PoseDecoder(PoseDecoderConfig.builder().heatmapLogits(false).build())
                .decode(probs, net.unscaled());
        assertEquals(DEFAULT.decode(o, net.unscaled()), persons);
    }

    @Test
    void emptyHeatmapGivesNoPoses() {
        assertEquals(List.of(), decode(DEFAULT, net()));
    }

    @Test
    void wrongChannelCountsSayWhatIsWrong() {
        PoseNetOutputs o = net().person(A, logits(2f)).outputs();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(o.heatmap(), o.heatmap(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("offsets must have 34 channels") && e.getMessage().contains("got 17"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(o.offsets(), o.offsets(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("heatmap must have 17 channels"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(o.heatmap(), o.offsets(), o.offsets(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("displacementFwd must have 32 channels"), e.getMessage());

        Tensor nhwc = Tensor.zeros(1, H, W, 17);
        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(nhwc, o.offsets(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("NHWC"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(Tensor.zeros(1, 17, H, W + 1), o.offsets(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("grid"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(Tensor.zeros(17, H, W), o.offsets(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("rank 3"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new PoseNetOutputs(Tensor.zeros(2, 17, H, W), o.offsets(), o.displacementFwd(), o.displacementBwd()));
        assertTrue(e.getMessage().contains("N = 2"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> PoseDecoderConfig.builder().scoreThreshold(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> PoseDecoderConfig.builder().outputStride(0).build());
        assertThrows(IllegalArgumentException.class, () -> PoseDecoderConfig.builder().nmsRadius(Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> new FrameGeometry(0, 385, 768, 576));
    }

    @Test
    void fromNamedPicksTheOutputsByName() {
        PoseNetOutputs o = net().person(A, logits(2f)).outputs();
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("MobilenetV1/heatmap_2/BiasAdd", o.heatmap());
        named.put("MobilenetV1/displacement_fwd_2/BiasAdd", o.displacementFwd());
        named.put("MobilenetV1/offset_2/BiasAdd", o.offsets());
        named.put("MobilenetV1/displacement_bwd_2/BiasAdd", o.displacementBwd());
        PoseNetOutputs picked = PoseNetOutputs.fromNamed(named);
        assertTrue(picked.heatmap() == o.heatmap() && picked.offsets() == o.offsets()
                && picked.displacementFwd() == o.displacementFwd() && picked.displacementBwd() == o.displacementBwd());
        named.remove("MobilenetV1/offset_2/BiasAdd");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoseNetOutputs.fromNamed(named));
        assertTrue(e.getMessage().contains("'offset'"), e.getMessage());
    }

    @Test
    void personAndKeypointAreValidated() {
        Person p = decode(DEFAULT, net().person(A, logits(2f))).get(0);
        assertThrows(UnsupportedOperationException.class, () -> p.keypoints().clear());
        assertThrows(IllegalArgumentException.class, () -> new Person(0.5, p.keypoints().subList(0, 16)));
        assertThrows(IllegalArgumentException.class, () -> new Keypoint(BodyPart.NOSE, Double.NaN, 0, 0));
        assertEquals(BodyPart.LEFT_SHOULDER, BodyPart.ofJsonName("leftShoulder"));
        assertEquals(16, BodyPart.EDGES.size());
    }
}
