package org.cbinfer.kernels.zoo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.cbinfer.kernels.tensor.ImageTensors;

/**
 * The seed's reference networks (docs/algorithm.md, "The reference networks") with fixed random weights, for
 * benchmarks: our backends and the PyTorch/cuDNN peer run exactly these graphs. Each call builds a new graph
 * (the weights are regenerated from the seed: identical every time and on every machine).
 *
 * <p><b>SceneLabel</b>. The seed gives the structure (conv-ReLU-pool, conv-ReLU-pool, conv-ReLU, 1x1 conv-ReLU,
 * 1x1 conv; same padding, stride 1, 2x2/2 pools, output at 1/4 resolution) but not the kernel sizes or
 * channel counts. We use 7x7 kernels and 3 -> 16 -> 64 -> 256 -> 64 -> 8 channels (8 classes, as the Stanford
 * Background data set the seed labels has): 53.37 GMAC at 1040x776, the figure docs/anchors.md measured, with the
 * third convolution holding 76% of it as docs/anchors.md reports. Per layer at 1040x776: conv1 1.90, conv2 10.12,
 * conv3 40.49, conv4 0.83, conv5 0.03 GMAC.
 *
 * <p><b>OpenPose2</b>. OpenPose (COCO) with two stages: the VGG-19 front conv1_1..conv4_2, conv4_3_CPM
 * (512 -> 256) and conv4_4_CPM (256 -> 128), all 3x3 with ReLU, three 2x2 pools (1/8 resolution); stage 1,
 * two branches of 3 x (3x3, 128, ReLU) -> 1x1 512 (ReLU) -> 1x1 38 PAFs (L1) / 19 heatmaps (L2); stage 2 on the
 * concatenation of both stage-1 outputs and the features (185 channels), two branches of 5 x (7x7, 128, ReLU)
 * -> 1x1 128 (ReLU) -> 1x1 38 / 19. Layer names are OpenPose's. 83.0 GMAC at 496x368. Outputs: the stage-2
 * PAFs ({@code Mconv7_stage2_L1}) and heatmaps ({@code Mconv7_stage2_L2}; 18 keypoints and the background).
 */
public final class ReferenceNetworks {
    public static final String SCENE_LABEL = "scenelabel";
    public static final String OPEN_POSE_2 = "openpose2";
    /** The single graph input of every reference network. */
    public static final String INPUT = "image";

    private ReferenceNetworks() {}

    /** The names {@link #byName} knows. */
    public static List<String> names() {
        return List.of(SCENE_LABEL, OPEN_POSE_2);
    }

    /** The network with this name (case-insensitive), or empty. */
    public static Optional<ReferenceNetwork> byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case SCENE_LABEL -> Optional.of(sceneLabel());
            case OPEN_POSE_2 -> Optional.of(openPose2());
            default -> Optional.empty();
        };
    }

    /** Scene labeling, input RGB in [0, 1] at 1040x776, output 8 class scores at 1/4 resolution. */
    public static ReferenceNetwork sceneLabel() {
        LayerStack s = new LayerStack(INPUT, 0x5CE11AL);
        String x = s.pool("pool1", s.conv("conv1", INPUT, 3, 16, 7, true));
        x = s.pool("pool2", s.conv("conv2", x, 16, 64, 7, true));
        x = s.conv("conv3", x, 64, 256, 7, true);
        x = s.conv("conv4", x, 256, 64, 1, true);
        x = s.conv("scores", x, 64, 8, 1, false);
        return new ReferenceNetwork(SCENE_LABEL, s.build(x), 1040, 776, ImageTensors.Scale.UNIT,
                ReferenceNetwork.Task.LABELS, x);
    }

    /** Two-stage OpenPose (COCO) at 496x368, input RGB in [0, 1]. */
    public static ReferenceNetwork openPose2() {
        LayerStack s = new LayerStack(INPUT, 0x0BE2905EL);
        String x = s.conv("conv1_1", INPUT, 3, 64, 3, true);
        x = s.pool("pool1_stage1", s.conv("conv1_2", x, 64, 64, 3, true));
        x = s.conv("conv2_1", x, 64, 128, 3, true);
        x = s.pool("pool2_stage1", s.conv("conv2_2", x, 128, 128, 3, true));
        x = s.conv("conv3_1", x, 128, 256, 3, true);
        for (int i = 2; i <= 4; i++) x = s.conv("conv3_" + i, x, 256, 256, 3, true);
        x = s.pool("pool3_stage1", x);
        x = s.conv("conv4_1", x, 256, 512, 3, true);
        x = s.conv("conv4_2", x, 512, 512, 3, true);
        x = s.conv("conv4_3_CPM", x, 512, 256, 3, true);
        String features = s.conv("conv4_4_CPM", x, 256, 128, 3, true);

        String[] stage1 = new String[2];
        for (int branch = 1; branch <= 2; branch++) {
            String y = features;
            for (int i = 1; i <= 3; i++) y = s.conv("conv5_" + i + "_CPM_L" + branch, y, 128, 128, 3, true);
            y = s.conv("conv5_4_CPM_L" + branch, y, 128, 512, 1, true);
            stage1[branch - 1] = s.conv("conv5_5_CPM_L" + branch, y, 512, outputs(branch), 1, false);
        }
        String joined = s.concat("concat_stage2", stage1[0], stage1[1], features);
        String[] stage2 = new String[2];
        for (int branch = 1; branch <= 2; branch++) {
            String y = joined;
            int cin = 38 + 19 + 128;
            for (int i = 1; i <= 5; i++) {
                y = s.conv("Mconv" + i + "_stage2_L" + branch, y, cin, 128, 7, true);
                cin = 128;
            }
            y = s.conv("Mconv6_stage2_L" + branch, y, 128, 128, 1, true);
            stage2[branch - 1] = s.conv("Mconv7_stage2_L" + branch, y, 128, outputs(branch), 1, false);
        }
        return new ReferenceNetwork(OPEN_POSE_2, s.build(stage2), 496, 368, ImageTensors.Scale.UNIT,
                ReferenceNetwork.Task.HEATMAPS, stage2[1]);
    }

    /** PAFs (38 = 19 limbs x 2) in branch 1, heatmaps (18 keypoints + background) in branch 2. */
    private static int outputs(int branch) {
        return branch == 1 ? 38 : 19;
    }
}
