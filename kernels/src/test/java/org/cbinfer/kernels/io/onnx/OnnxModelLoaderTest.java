package org.cbinfer.kernels.io.onnx;

import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.attr;
import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.ArgMax;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.io.onnx.proto.ModelProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto.DataType;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the importer makes of ONNX models, opset by opset, and what it refuses. */
class OnnxModelLoaderTest {
    private static final Tensor X4 = Tensor.of(new int[] {1, 1, 2, 2}, new float[] {-2, -0.5f, 0.5f, 8});

    private static Node only(Graph g, String name) {
        Node n = g.node(name);
        assertTrue(n != null, "no node " + name + " in " + g.nodes());
        return n;
    }

    private static Tensor run(Graph g, Tensor x) {
        return new DenseExecutor(g).run(Map.of("x", x)).get(g.outputs().get(0));
    }

    @Nested
    class Refusals {
        @Test
        void anUnsupportedOpFailsNamingTheOpTheNodeAndTheSupportedOps() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 3).output("y").node("Gather", in("x", "x"), "y").build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertEquals("y_node", e.node());
            assertTrue(e.getMessage().contains("unsupported op 'Gather'"), e.getMessage());
            assertTrue(e.getMessage().endsWith("supported ops: " + String.join(", ", OnnxModelLoader.supportedOps())), e.getMessage());
            assertTrue(OnnxModelLoader.supportedOps().containsAll(List.of("Conv", "ConvTranspose", "Resize", "Upsample", "Gemm", "Dropout")));
        }

        @Test
        void anOpOfAnotherDomainIsUnsupportedEvenWithAKnownName() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 3).output("y").node("com.microsoft", "Relu", in("x"), "y").build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertTrue(e.getMessage().contains("domain 'com.microsoft'"), e.getMessage());
        }

        @Test
        void aNonFloatGraphInputIsRefused() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", DataType.UINT8, 1, 3).output("y").node("Relu", in("x"), "y").build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertEquals("x", e.node());
            assertTrue(e.getMessage().contains("UINT8") && e.getMessage().contains("float32 only"), e.getMessage());
        }

        @Test
        void opsetsNewerThanTheImporterKnowsAreRefused() {
            ModelProto m = OnnxModelBuilder.opset(22).input("x", 1, 3).output("y").node("Relu", in("x"), "y").build();
            assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
        }

        @Test
        void bytesThatAreNoModelAreRefused() {
            assertThrows(ModelException.class, () -> OnnxModelLoader.load(new byte[] {8, -1, -1, -1}));
        }

        @Test
        void aWeightThatIsNotConstantIsRefusedNamingTheInput() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 1, 3, 3).input("w", 1, 1, 1, 1).output("y")
                    .node("Conv", in("x", "w"), "y").build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("must be a constant"), e.getMessage());
        }

        @Test
        void aHugeDeclaredTensorFailsBeforeAnythingIsAllocated() {
            TensorProto huge = TensorProto.newBuilder().setName("k").setDataType(DataType.FLOAT_VALUE)
                    .addDims(1 << 20).addDims(1 << 20).addDims(1 << 20).build();
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 3).initializer(huge).output("y").node("Add", in("x", "k"), "y").build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertTrue(e.getMessage().contains("elements"), e.getMessage());
        }

        @Test
        void spatialBatchNormalisationOffAndTrainingModeAreRefused() {
            Tensor one = Tensor.of(new int[] {1}, new float[] {1});
            OnnxModelBuilder b = OnnxModelBuilder.opset(7).input("x", 1, 1, 2, 2).output("y")
                    .initializer("s", one).initializer("b", one).initializer("m", one).initializer("v", one);
            ModelProto spatial = b.node("BatchNormalization", in("x", "s", "b", "m", "v"), "y", attr("spatial", 0L)).build();
            assertThrows(ModelException.class, () -> OnnxModelLoader.load(spatial, Map.of()));
            ModelProto training = OnnxModelBuilder.opset(15).input("x", 1, 1, 2, 2).output("y")
                    .initializer("s", one).initializer("b", one).initializer("m", one).initializer("v", one)
                    .node("BatchNormalization", in("x", "s", "b", "m", "v"), "y", attr("training_mode", 1L)).build();
            assertThrows(ModelException.class, () -> OnnxModelLoader.load(training, Map.of()));
        }

        @Test
        void cubicResizeIsRefused() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 1, 2, 2).output("y")
                    .initializer("s", Tensor.of(new int[] {4}, new float[] {1, 1, 2, 2}))
                    .node("Resize", in("x", "", "s"), "y", attr("mode", "cubic")).build();
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            assertTrue(e.getMessage().contains("cubic"), e.getMessage());
        }
    }

    @Nested
    class Values {
        @Test
        void graphOutputsKeepTheirOnnxNamesThroughIdentityAndDropout() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 1, 2, 2).output("y")
                    .node("Relu", in("x"), "r").node("Dropout", in("r"), "d").node("Identity", in("d"), "y").build(), Map.of());
            assertEquals(List.of("y"), g.outputs());
            assertArrayEquals(new float[] {0, 0, 0.5f, 8}, run(g, X4).data());
        }

        @Test
        void symbolicDimensionsAreLeftOpen() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 3, -1, -1).output("y")
                    .node("Relu", in("x"), "y").build(), Map.of());
            assertArrayEquals(new int[] {1, 3, -1, -1}, g.inputs().get(0).shape());
        }

        @Test
        void integerShapesFromConstantNodesAreFoldedIntoTheOps() {
            TensorProto shape = OnnxModelBuilder.longs("", 1, 4);
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 1, 2, 2).output("y")
                    .node("Constant", in(), "shape", attr("value", shape))
                    .node("Reshape", in("x", "shape"), "y").build(), Map.of());
            assertArrayEquals(new int[] {1, 4}, ((Reshape) only(g, "y").op()).shape());
            assertTrue(g.constants().isEmpty(), "no int64 tensor reaches the graph: " + g.constants().keySet());
        }

        @Test
        void inputsThatAreParametersCanBeBoundAtImport() {
            ModelProto m = OnnxModelBuilder.opset(13).input("x", 1, 1, 2, 2).input("w", 1, 1, 1, 1).output("y")
                    .node("Conv", in("x", "w"), "y").build();
            assertEquals(Set.of("w"), OnnxModelLoader.parameterInputs(m));
            TensorProto w = OnnxModelBuilder.floats("w", Tensor.of(new int[] {1, 1, 1, 1}, new float[] {3}));
            Graph g = OnnxModelLoader.load(m, Map.of("w", w));
            assertEquals(List.of("x"), g.inputs().stream().map(i -> i.name()).toList());
            assertArrayEquals(new float[] {-6, -1.5f, 1.5f, 24}, run(g, X4).data());
        }
    }

    @Nested
    class OpsetConventions {
        @Test
        void clipBoundsAreAttributesBeforeOpset11AndInputsFromThenOn() {
            Graph old = OnnxModelLoader.load(OnnxModelBuilder.opset(6).input("x", 1, 1, 2, 2).output("y")
                    .node("Clip", in("x"), "y", attr("min", -1f), attr("max", 1f)).build(), Map.of());
            Graph current = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 1, 2, 2).output("y")
                    .initializer("lo", Tensor.scalar(-1f)).initializer("hi", Tensor.scalar(1f))
                    .node("Clip", in("x", "lo", "hi"), "y").build(), Map.of());
            Unary expected = new Unary(Activation.clip(-1f, 1f));
            assertEquals(expected, only(old, "y").op());
            assertEquals(expected, only(current, "y").op());
        }

        @Test
        void aClipWithoutBoundsLimitsToTheFloatRange() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 2).output("y")
                    .node("Clip", in("x", "", ""), "y").build(), Map.of());
            assertEquals(new Unary(Activation.clip(-Float.MAX_VALUE, Float.MAX_VALUE)), only(g, "y").op());
        }

        @Test
        void softmaxBeforeOpset13NormalisesOverEverythingFromItsAxisOn() {
            Tensor x = Tensor.of(new int[] {1, 2, 2}, new float[] {0, 1, 2, 3});
            Graph old = OnnxModelLoader.load(OnnxModelBuilder.opset(11).input("x", 1, 2, 2).output("y")
                    .node("Softmax", in("x"), "y", attr("axis", 1L)).build(), Map.of());
            Graph current = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 2, 2).output("y")
                    .node("Softmax", in("x"), "y", attr("axis", 1L)).build(), Map.of());
            double sum = 1 + Math.E + Math.exp(2) + Math.exp(3);
            float[] overAll = {(float) (1 / sum), (float) (Math.E / sum), (float) (Math.exp(2) / sum), (float) (Math.exp(3) / sum)};
            float low = (float) (1 / (1 + Math.exp(2)));
            float high = (float) (Math.exp(2) / (1 + Math.exp(2)));
            Tolerance t = new Tolerance(1e-6, 1e-7);
            t.assertClose(Tensor.of(new int[] {1, 2, 2}, overAll), run(old, x), "opset 11");
            t.assertClose(Tensor.of(new int[] {1, 2, 2}, new float[] {low, low, high, high}), run(current, x), "opset 13");
        }

        @Test
        void padPadsAreAttributesBeforeOpset11InputsFromThenOnAndMayNameAxesFromOpset18() {
            long[] pads = {0, 0, 1, 0, 0, 0, 0, 2};
            Graph v2 = OnnxModelLoader.load(OnnxModelBuilder.opset(2).input("x", 1, 1, 2, 2).output("y")
                    .node("Pad", in("x"), "y", attr("pads", pads), attr("value", 5f)).build(), Map.of());
            Graph v11 = OnnxModelLoader.load(OnnxModelBuilder.opset(11).input("x", 1, 1, 2, 2).output("y")
                    .initializer(OnnxModelBuilder.longs("p", pads)).initializer("v", Tensor.scalar(5f))
                    .node("Pad", in("x", "p", "v"), "y").build(), Map.of());
            Graph v18 = OnnxModelLoader.load(OnnxModelBuilder.opset(18).input("x", 1, 1, 2, 2).output("y")
                    .initializer(OnnxModelBuilder.longs("p", 1, 0, 0, 2)).initializer("v", Tensor.scalar(5f))
                    .initializer(OnnxModelBuilder.longs("axes", 2, -1))
                    .node("Pad", in("x", "p", "v", "axes"), "y").build(), Map.of());
            for (Graph g : List.of(v2, v11, v18)) {
                Pad p = (Pad) only(g, "y").op();
                assertArrayEquals(new int[] {0, 0, 1, 0, 0, 0, 0, 2}, p.pads());
                assertEquals(5f, p.value());
            }
        }

        @Test
        void resize10AndUpsampleSampleAsymmetricallyAndRoundDown() {
            Tensor scales = Tensor.of(new int[] {4}, new float[] {1, 1, 2, 3});
            Graph resize10 = OnnxModelLoader.load(OnnxModelBuilder.opset(10).input("x", 1, 1, 2, 2).output("y")
                    .initializer("s", scales).node("Resize", in("x", "s"), "y").build(), Map.of());
            Graph upsample7 = OnnxModelLoader.load(OnnxModelBuilder.opset(7).input("x", 1, 1, 2, 2).output("y")
                    .node("Upsample", in("x"), "y", attr("scales", 1f, 1f, 2f, 3f)).build(), Map.of());
            Resize expected = Resize.byScale(Resize.Mode.NEAREST, Resize.CoordinateMode.ASYMMETRIC, Resize.NearestMode.FLOOR, 2, 3);
            assertEquals(expected, only(resize10, "y").op());
            assertEquals(expected, only(upsample7, "y").op());
        }

        @Test
        void resizeFromOpset11ReadsTheCoordinateAndRoundingAttributes() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(11).input("x", 1, 1, 2, 2).output("y")
                    .initializer("roi", Tensor.zeros(0)).initializer("s", Tensor.zeros(0))
                    .initializer(OnnxModelBuilder.longs("sizes", 1, 1, 3, 5))
                    .node("Resize", in("x", "roi", "s", "sizes"), "y", attr("mode", "linear"),
                            attr("coordinate_transformation_mode", "align_corners")).build(), Map.of());
            assertEquals(Resize.toSize(Resize.Mode.LINEAR, Resize.CoordinateMode.ALIGN_CORNERS,
                    Resize.NearestMode.ROUND_PREFER_FLOOR, 3, 5), only(g, "y").op());
        }

        @Test
        void argMaxSelectsTheLastMaximumWhenAskedFromOpset12() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(12).input("x", 1, 4).output("y")
                    .node("ArgMax", in("x"), "y", attr("axis", 1L), attr("keepdims", 0L), attr("select_last_index", 1L)).build(), Map.of());
            assertEquals(new ArgMax(1, false, true), only(g, "y").op());
            assertArrayEquals(new float[] {2}, run(g, Tensor.of(new int[] {1, 4}, new float[] {1, 7, 7, 0})).data());
        }

        @Test
        void legacyBroadcastAlignsTheSecondOperandAtTheGivenAxis() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(6).input("x", 1, 2, 1, 2).output("y")
                    .initializer("b", Tensor.of(new int[] {2}, new float[] {10, 20}))
                    .node("Add", in("x", "b"), "y", attr("broadcast", 1L), attr("axis", 1L)).build(), Map.of());
            assertArrayEquals(new float[] {11, 12, 23, 24}, run(g, Tensor.of(new int[] {1, 2, 1, 2}, new float[] {1, 2, 3, 4})).data());
        }

        @Test
        void preluBeforeOpset7AppliesOneSlopePerChannel() {
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(6).input("x", 1, 2, 1, 2).output("y")
                    .initializer("slope", Tensor.of(new int[] {2}, new float[] {0.5f, 2}))
                    .node("PRelu", in("x", "slope"), "y").build(), Map.of());
            assertArrayEquals(new float[] {-0.5f, 1, -2, 1}, run(g, Tensor.of(new int[] {1, 2, 1, 2}, new float[] {-1, 1, -1, 1})).data());
        }
    }

    @Nested
    class Composites {
        @Test
        void gemmIsAlphaTimesAtransposedBPlusBetaC() {
            Tensor b = Tensor.of(new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6});
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 2).output("y")
                    .initializer("b", b).initializer("c", Tensor.of(new int[] {3}, new float[] {1, 2, 3}))
                    .node("Gemm", in("x", "b", "c"), "y", attr("transB", 1L), attr("alpha", 2f), attr("beta", 0.5f)).build(), Map.of());
            // x [1, 2] . b^T [2, 3] = [1*1+1*2, 1*3+1*4, 1*5+1*6] = [3, 7, 11]
            assertArrayEquals(new float[] {6.5f, 15, 23.5f}, run(g, Tensor.of(new int[] {1, 2}, new float[] {1, 1})).data());
        }

        @Test
        void convTransposeToAnOutputShapeOfUnknownInputSizeDerivesItsPaddingAtRunTime() {
            Tensor w = Tensor.of(new int[] {1, 1, 3, 3}, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
            Graph g = OnnxModelLoader.load(OnnxModelBuilder.opset(13).input("x", 1, 1, -1, -1).output("y").initializer("w", w)
                    .node("ConvTranspose", in("x", "w"), "y", attr("strides", 2L, 2L), attr("output_shape", 6L, 6L)).build(), Map.of());
            assertArrayEquals(new int[] {1, 1, 6, 6}, g.inferShapes(new int[] {1, 1, 3, 3}).get("y"));
        }

        @Test
        void softmaxBeforeOpset13NeedsAStaticShapeUnlessOverTheLastAxis() {
            ModelProto m = OnnxModelBuilder.opset(11).input("x", 1, -1, 4).output("y").node("Softmax", in("x"), "y").build();
            assertThrows(ModelException.class, () -> OnnxModelLoader.load(m, Map.of()));
            ModelProto last = OnnxModelBuilder.opset(11).input("x", 1, -1, 4).output("y").node("Softmax", in("x"), "y", attr("axis", -1L)).build();
            OnnxModelLoader.load(last, Map.of());
        }
    }
}
