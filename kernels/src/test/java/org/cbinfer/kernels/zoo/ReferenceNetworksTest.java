package org.cbinfer.kernels.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The reference networks have the seed's architectures at the sizes docs/anchors.md measured (53.4 and 83.0 GMAC),
 * the same weights on every build, and activations of order one (random weights must not make the outputs
 * vanish or explode, or change-based thresholds would mean nothing).
 */
class ReferenceNetworksTest {

    @Test
    void sceneLabelIs53GmacAt1040x776WithConv3HoldingThreeQuartersOfTheWork() {
        Graph g = ReferenceNetworks.sceneLabel().graph();
        Map<String, Long> macs = macsPerNode(g, 776, 1040);
        long total = macs.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(53.37e9, total, 0.01e9);
        assertEquals(0.76, macs.get("conv3") / (double) total, 0.005);
        assertArrayEquals(new int[] {1, 8, 194, 260}, g.inferShapes(new int[] {1, 3, 776, 1040}).get("scores"));
    }

    @Test
    void openPose2Is83GmacAt496x368WithOutputsAtOneEighthResolution() {
        ReferenceNetwork n = ReferenceNetworks.openPose2();
        long total = macsPerNode(n.graph(), 368, 496).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(83.0e9, total, 0.1e9);
        Map<String, int[]> shapes = n.graph().inferShapes(new int[] {1, 3, 368, 496});
        assertArrayEquals(new int[] {1, 38, 46, 62}, shapes.get("Mconv7_stage2_L1"));
        assertArrayEquals(new int[] {1, 19, 46, 62}, shapes.get(n.taskOutput()));
        assertArrayEquals(new int[] {1, 185, 46, 62}, shapes.get("concat_stage2"));
    }

    @Test
    void weightsAreTheSameOnEveryBuild() {
        Conv2d a = (Conv2d) ReferenceNetworks.openPose2().graph().node("Mconv3_stage2_L2").op();
        Conv2d b = (Conv2d) ReferenceNetworks.byName("OpenPose2").orElseThrow().graph().node("Mconv3_stage2_L2").op();
        assertArrayEquals(a.weight().data(), b.weight().data());
        assertArrayEquals(a.bias(), b.bias());
    }

    @Test
    void activationsStayOfOrderOneThroughTheDepthOfBothNetworks() {
        for (String name : ReferenceNetworks.names()) {
            ReferenceNetwork n = ReferenceNetworks.byName(name).orElseThrow();
            SplittableRandom r = new SplittableRandom(7);
            float[] pixels = new float[3 * 64 * 96];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
            try (Backend b = Backend.builder().graph(n.graph()).build()) {
                Map<String, Tensor> out = b.dense(java.util.List.of(Map.of(ReferenceNetworks.INPUT,
                        Tensor.of(new int[] {1, 3, 64, 96}, pixels)))).get(0);
                for (Map.Entry<String, Tensor> e : out.entrySet()) {
                    double rms = rms(e.getValue().data());
                    assertTrue(rms > 0.05 && rms < 20, name + " output " + e.getKey() + " has RMS " + rms);
                }
            }
        }
    }

    private static Map<String, Long> macsPerNode(Graph g, int h, int w) {
        Map<String, int[]> shapes = g.inferShapes(new int[] {1, 3, h, w});
        Map<String, Long> m = new java.util.HashMap<>();
        for (Node n : g.nodes()) {
            int[][] in = n.inputs().stream().map(shapes::get).toArray(int[][]::new);
            m.put(n.name(), n.op().macs(in, shapes.get(n.name())));
        }
        return m;
    }

    private static double rms(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s / v.length);
    }
}
