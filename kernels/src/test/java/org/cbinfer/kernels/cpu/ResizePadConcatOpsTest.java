package org.cbinfer.kernels.cpu;

import static org.cbinfer.kernels.cpu.OpHarness.assertComputes;
import static org.cbinfer.kernels.cpu.OpHarness.shape;
import static org.cbinfer.kernels.cpu.OpHarness.single;
import static org.cbinfer.kernels.cpu.OpHarness.t;
import static org.cbinfer.kernels.cpu.OpHarness.withConstant;

import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Resize.CoordinateMode;
import org.cbinfer.kernels.graph.ops.Resize.Mode;
import org.cbinfer.kernels.graph.ops.Resize.NearestMode;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Resize, pad and concat on hand-sized inputs (dense and change-based). */
class ResizePadConcatOpsTest {

    @Nested
    class NearestResize {
        // [10, 20] upsampled x4 along W with ASYMMETRIC coordinates: source x = o / 4 = 0, .25, .5, .75, 1, 1.25, 1.5, 1.75;
        // the four rounding rules disagree exactly at .25 (floor/round down, ceil up), .5 (ties) and .75 (floor down, others up);
        // indices past the input are clamped to 1.
        private final Tensor x = t(shape(1, 1, 1, 2), 10, 20);

        private void check(NearestMode n, float... expected) {
            assertComputes(single(Resize.byScale(Mode.NEAREST, CoordinateMode.ASYMMETRIC, n, 1, 4), 1, 1, 1, 2), x,
                    t(shape(1, 1, 1, 8), expected));
        }

        @Test
        void floor() {
            // 0 0 0 0 1 1 1 1
            check(NearestMode.FLOOR, 10, 10, 10, 10, 20, 20, 20, 20);
        }

        @Test
        void ceil() {
            // 0 1 1 1 1 2->1 2->1 2->1
            check(NearestMode.CEIL, 10, 20, 20, 20, 20, 20, 20, 20);
        }

        @Test
        void roundPreferFloor() {
            // 0 0 0(tie) 1 1 1 1(tie) 2->1
            check(NearestMode.ROUND_PREFER_FLOOR, 10, 10, 10, 20, 20, 20, 20, 20);
        }

        @Test
        void roundPreferCeil() {
            // 0 0 1(tie) 1 1 1 2->1 2->1
            check(NearestMode.ROUND_PREFER_CEIL, 10, 10, 20, 20, 20, 20, 20, 20);
        }

        @Test
        void halfPixelDoublingRepeatsEachValue() {
            // x = (o + .5) / 2 - .5 = -.25, .25, .75, 1.25 -> rounded 0 0 1 1
            assertComputes(single(Resize.byScale(Mode.NEAREST, CoordinateMode.HALF_PIXEL, NearestMode.ROUND_PREFER_FLOOR, 1, 2), 1, 1, 1, 2),
                    x, t(shape(1, 1, 1, 4), 10, 10, 20, 20));
        }

        @Test
        void coordinateModesPickDifferentSamplesWhenHalving() {
            // [10, 20, 30, 40] -> 2 samples (scale 1/2)
            Tensor four = t(shape(1, 1, 1, 4), 10, 20, 30, 40);
            // HALF_PIXEL: x = (o + .5) * 2 - .5 = .5, 2.5 -> prefer floor 0, 2 ; prefer ceil 1, 3
            assertComputes(single(Resize.toSize(Mode.NEAREST, CoordinateMode.HALF_PIXEL, NearestMode.ROUND_PREFER_FLOOR, 1, 2), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 2), 10, 30));
            assertComputes(single(Resize.toSize(Mode.NEAREST, CoordinateMode.HALF_PIXEL, NearestMode.ROUND_PREFER_CEIL, 1, 2), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 2), 20, 40));
            // ALIGN_CORNERS: x = o * 3 / 1 = 0, 3
            assertComputes(single(Resize.toSize(Mode.NEAREST, CoordinateMode.ALIGN_CORNERS, NearestMode.ROUND_PREFER_FLOOR, 1, 2), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 2), 10, 40));
            // ASYMMETRIC: x = 2 o = 0, 2
            assertComputes(single(Resize.toSize(Mode.NEAREST, CoordinateMode.ASYMMETRIC, NearestMode.FLOOR, 1, 2), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 2), 10, 30));
            // TF_HALF_PIXEL_FOR_NN (TensorFlow half_pixel_centers): x = (o + .5) * 2 = 1, 3, floored
            assertComputes(single(Resize.toSize(Mode.NEAREST, CoordinateMode.TF_HALF_PIXEL_FOR_NN, NearestMode.FLOOR, 1, 2), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 2), 20, 40));
        }
    }

    @Nested
    class LinearResize {
        // [10, 20] -> 4 samples along W (height 1 stays 1)
        private final Tensor x = t(shape(1, 1, 1, 2), 10, 20);

        private void check(CoordinateMode c, float... expected) {
            assertComputes(single(Resize.toSize(Mode.LINEAR, c, NearestMode.ROUND_PREFER_FLOOR, 1, 4), 1, 1, 1, 2), x,
                    t(shape(1, 1, 1, 4), expected));
        }

        @Test
        void halfPixel() {
            // x = (o + .5) / 2 - .5 = -.25 (clamped to 0), .25, .75, 1.25 (clamped to 1) -> 10, 12.5, 17.5, 20
            check(CoordinateMode.HALF_PIXEL, 10, 12.5f, 17.5f, 20);
        }

        @Test
        void pytorchHalfPixelEqualsHalfPixelForMoreThanOneOutput() {
            check(CoordinateMode.PYTORCH_HALF_PIXEL, 10, 12.5f, 17.5f, 20);
        }

        @Test
        void alignCorners() {
            // x = o * (2 - 1) / (4 - 1) = 0, 1/3, 2/3, 1 -> 10, 13.33, 16.67, 20
            check(CoordinateMode.ALIGN_CORNERS, 10, 40 / 3f, 50 / 3f, 20);
        }

        @Test
        void asymmetric() {
            // x = o / 2 = 0, .5, 1, 1.5 (clamped to 1) -> 10, 15, 20, 20
            check(CoordinateMode.ASYMMETRIC, 10, 15, 20, 20);
        }

        @Test
        void toASinglePixelHalfPixelSamplesTheCentreButPytorchHalfPixelTheFirst() {
            // [10, 20, 30, 40] -> 1 sample: HALF_PIXEL x = (0 + .5) * 4 - .5 = 1.5 -> 25; PYTORCH_HALF_PIXEL x = 0 -> 10
            Tensor four = t(shape(1, 1, 1, 4), 10, 20, 30, 40);
            assertComputes(single(Resize.toSize(Mode.LINEAR, CoordinateMode.HALF_PIXEL, NearestMode.FLOOR, 1, 1), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 1), 25));
            assertComputes(single(Resize.toSize(Mode.LINEAR, CoordinateMode.PYTORCH_HALF_PIXEL, NearestMode.FLOOR, 1, 1), 1, 1, 1, 4),
                    four, t(shape(1, 1, 1, 1), 10));
        }

        @Test
        void bilinearAlignCornersOnBothAxes() {
            // [[0,10],[20,30]] is the linear function 20y + 10x; align corners 2 -> 3 samples at 0, .5, 1 per axis
            assertComputes(single(Resize.toSize(Mode.LINEAR, CoordinateMode.ALIGN_CORNERS, NearestMode.FLOOR, 3, 3), 1, 1, 2, 2),
                    t(shape(1, 1, 2, 2), 0, 10, 20, 30), t(shape(1, 1, 3, 3), 0, 5, 10, 10, 15, 20, 20, 25, 30));
        }

        @Test
        void bilinearHalfPixelDoublingOnBothAxes() {
            // same function, half pixel x2: sample coordinates 0 (clamped), .25, .75, 1 (clamped) per axis -> 20 cy + 10 cx
            assertComputes(single(Resize.byScale(Mode.LINEAR, CoordinateMode.HALF_PIXEL, NearestMode.FLOOR, 2, 2), 1, 1, 2, 2),
                    t(shape(1, 1, 2, 2), 0, 10, 20, 30), t(shape(1, 1, 4, 4),
                            0, 2.5f, 7.5f, 10,
                            5, 7.5f, 12.5f, 15,
                            15, 17.5f, 22.5f, 25,
                            20, 22.5f, 27.5f, 30));
        }
    }

    @Nested
    class Padding {
        // [[1,2,3],[4,5,6]] padded top 1, left 2, bottom 1, right 1 -> 4x6
        private final Tensor x = t(shape(1, 1, 2, 3), 1, 2, 3, 4, 5, 6);
        private final int[] spatial = {0, 0, 1, 2, 0, 0, 1, 1};

        @Test
        void constant() {
            assertComputes(single(new Pad(Pad.Mode.CONSTANT, spatial, -1), 1, 1, 2, 3), x, t(shape(1, 1, 4, 6),
                    -1, -1, -1, -1, -1, -1,
                    -1, -1, 1, 2, 3, -1,
                    -1, -1, 4, 5, 6, -1,
                    -1, -1, -1, -1, -1, -1));
        }

        @Test
        void reflectMirrorsWithoutRepeatingTheEdge() {
            // rows: source of -1 is 1, of 2 is 0 -> [r1, r0, r1, r0]; columns: -2 -> 2, -1 -> 1, 3 -> 1 -> [2,1,0,1,2,1]
            assertComputes(single(new Pad(Pad.Mode.REFLECT, spatial, 0), 1, 1, 2, 3), x, t(shape(1, 1, 4, 6),
                    6, 5, 4, 5, 6, 5,
                    3, 2, 1, 2, 3, 2,
                    6, 5, 4, 5, 6, 5,
                    3, 2, 1, 2, 3, 2));
        }

        @Test
        void edgeRepeatsTheBorder() {
            // rows [r0, r0, r1, r1]; columns [0,0,0,1,2,2]
            assertComputes(single(new Pad(Pad.Mode.EDGE, spatial, 0), 1, 1, 2, 3), x, t(shape(1, 1, 4, 6),
                    1, 1, 1, 2, 3, 3,
                    1, 1, 1, 2, 3, 3,
                    4, 4, 4, 5, 6, 6,
                    4, 4, 4, 5, 6, 6));
        }

        // channel axis of x2: c0 = [1,2], c1 = [3,4]
        private final Tensor x2 = t(shape(1, 2, 1, 2), 1, 2, 3, 4);

        @Test
        void constantOnTheChannelAxis() {
            // 1 channel before, 2 after: [0, c0, c1, 0, 0]
            assertComputes(single(new Pad(Pad.Mode.CONSTANT, new int[] {0, 1, 0, 0, 0, 2, 0, 0}, 0), 1, 2, 1, 2), x2,
                    t(shape(1, 5, 1, 2), 0, 0, 1, 2, 3, 4, 0, 0, 0, 0));
        }

        @Test
        void reflectOnTheChannelAxis() {
            // 1 before, 1 after: [c1, c0, c1, c0]
            assertComputes(single(new Pad(Pad.Mode.REFLECT, new int[] {0, 1, 0, 0, 0, 1, 0, 0}, 0), 1, 2, 1, 2), x2,
                    t(shape(1, 4, 1, 2), 3, 4, 1, 2, 3, 4, 1, 2));
        }

        @Test
        void edgeOnTheChannelAxis() {
            // 1 before, 2 after: [c0, c0, c1, c1, c1]
            assertComputes(single(new Pad(Pad.Mode.EDGE, new int[] {0, 1, 0, 0, 0, 2, 0, 0}, 0), 1, 2, 1, 2), x2,
                    t(shape(1, 5, 1, 2), 1, 2, 1, 2, 3, 4, 3, 4, 3, 4));
        }

        @Test
        void aTwoDimensionalTensor() {
            // [[1,2],[3,4]], one row before, one column after
            assertComputes(single(new Pad(Pad.Mode.CONSTANT, new int[] {1, 0, 0, 1}, 0), 2, 2), t(shape(2, 2), 1, 2, 3, 4),
                    t(shape(3, 3), 0, 0, 0, 1, 2, 0, 3, 4, 0));
        }
    }

    @Nested
    class Concatenation {
        private final Tensor x = t(shape(1, 1, 2, 2), 1, 2, 3, 4);

        @Test
        void channelAxisInInputOrder() {
            Tensor k = t(shape(1, 2, 2, 2), 5, 6, 7, 8, 9, 10, 11, 12);
            assertComputes(withConstant(new Concat(1), k, 1, 1, 2, 2), x,
                    t(shape(1, 3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
            Graph reversed = Graph.builder().input("x", 1, 1, 2, 2).constant("k", k)
                    .node("y", new Concat(1), "k", "x", "x").output("y").build();
            assertComputes(reversed, x, t(shape(1, 4, 2, 2), 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 1, 2, 3, 4));
        }

        @Test
        void widthAxis() {
            // [[1,2],[3,4]] ++ [[9],[8]] along W -> [[1,2,9],[3,4,8]]
            assertComputes(withConstant(new Concat(3), t(shape(1, 1, 2, 1), 9, 8), 1, 1, 2, 2), x,
                    t(shape(1, 1, 2, 3), 1, 2, 9, 3, 4, 8));
        }

        @Test
        void negativeAxisCountsFromTheEnd() {
            // axis -2 = H: [[1,2],[3,4]] ++ [[7,6]] -> [[1,2],[3,4],[7,6]]
            assertComputes(withConstant(new Concat(-2), t(shape(1, 1, 1, 2), 7, 6), 1, 1, 2, 2), x,
                    t(shape(1, 1, 3, 2), 1, 2, 3, 4, 7, 6));
        }
    }
}
