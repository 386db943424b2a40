package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.GpuCheck.assumeGpu;
import static org.cbinfer.kernels.cuda.GpuCheck.cpu;
import static org.cbinfer.kernels.cuda.GpuCheck.gpu;
import static org.cbinfer.kernels.cuda.GpuCheck.networkTolerance;
import static org.cbinfer.kernels.cuda.GpuCheck.tolerance;
import static org.cbinfer.kernels.cuda.GpuCheck.worst;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.cb.LayerStats;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.io.tfjs.GoldenFrames;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.RandomGraphs;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole networks on the GPU against the CPU reference: posenet (385x385) and selfie (256x256) with their real
 * weights on real vtest.avi frames, and random graphs; micro-batches, CUDA graph replay and state snapshots.
 */
class CudaNetworksTest {
    @BeforeAll
    static void gpuPresent() {
        assumeGpu();
    }

    private static Graph model(String name) throws IOException {
        return ModelFiles.load(TestData.file("models/tfjs/" + name + ".json"));
    }

    private static List<Tensor> vtest(String model, String frames) throws IOException {
        return GoldenFrames.inputs(model, frames);
    }

    private static void compare(String label, Graph g, List<Tensor> frames, Precision p, float threshold, double tol) {
        try (Backend cpu = cpu(g, threshold); Backend gpu = gpu(g, threshold, p)) {
            String input = g.inputs().get(0).name();
            BackendStream cs = cpu.newStream(), gs = gpu.newStream();
            double worstDense = 0, worstCb = 0, worstCbVsCpuCb = 0;
            long macs = 0, denseMacs = 0;
            for (Tensor f : frames) {
                Map<String, Tensor> in = Map.of(input, f);
                Map<String, Tensor> ref = cpu.dense(List.of(in)).get(0);
                worstDense = Math.max(worstDense, worst(ref, gpu.dense(List.of(in)).get(0)));
                FrameResult r = gpu.process(List.of(gs), List.of(in)).get(0);
                FrameResult c = cpu.process(List.of(cs), List.of(in)).get(0);
                worstCb = Math.max(worstCb, worst(ref, r.outputs()));
                worstCbVsCpuCb = Math.max(worstCbVsCpuCb, worst(c.outputs(), r.outputs()));
                if (!r.stats().keyframe()) {
                    macs += r.stats().macs();
                    denseMacs += r.stats().denseMacs();
                }
            }
            System.out.printf("[gpu net] %-8s %s th %.3f: dense %.2e, cb vs dense %.2e, cb vs cpu cb %.2e, MACs %.3f of dense%n",
                    label, p.label(), threshold, worstDense, worstCb, worstCbVsCpuCb, macs / (double) denseMacs);
            assertTrue(worstDense <= networkTolerance(p), label + " dense relative error " + worstDense);
            assertTrue(worstCbVsCpuCb <= tol, label + " change-based vs CPU change-based: " + worstCbVsCpuCb + " > " + tol);
            assertTrue(macs < denseMacs, label + ": later frames must be partial passes");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void posenetOnVtestFramesAgreesWithTheCpu(Precision p) throws IOException {
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        compare("posenet", g, frames, p, 0f, networkTolerance(p));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void selfieOnVtestFramesAgreesWithTheCpu(Precision p) throws IOException {
        Graph g = model("selfie");
        List<Tensor> frames = vtest("selfie", "vtest_f100-104_256x256.rgb");
        compare("selfie", g, frames, p, 0f, networkTolerance(p));
    }

    @Test
    void posenetAtAThresholdStaysNearTheCpuChangeBasedResult() throws IOException {
        // Near-threshold decisions may differ between backends by rounding; the bound is the CPU's own deviation
        // from dense at this threshold, measured in the same run.
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        compare("posenet", g, frames, Precision.FP32, 0.02f, 2e-2);
    }

    @Test
    void randomGraphsAgreeWithTheCpu() {
        int run = 0;
        for (long seed = 1; seed <= 60; seed++) {
            RandomGraphs.Generated gen = RandomGraphs.generate(seed, false);
            List<Tensor> frames = RandomGraphs.frames(seed, gen.inputShape(), 6, 0.05f);
            try (Backend cpu = cpu(gen.graph(), 0f); Backend gpu = gpu(gen.graph(), 0f, Precision.FP32)) {
                String input = gen.graph().inputs().get(0).name();
                BackendStream cs = cpu.newStream(), gs = gpu.newStream();
                for (Tensor f : frames) {
                    double e = worst(cpu.process(cs, f).outputs(), gpu.process(gs, f).outputs());
                    assertTrue(e <= tolerance(Precision.FP32), "seed " + seed + ": relative error " + e);
                    Map<String, Tensor> in = Map.of(input, f);
                    double d = worst(cpu.dense(List.of(in)).get(0), gpu.dense(List.of(in)).get(0));
                    assertTrue(d <= tolerance(Precision.FP32), "seed " + seed + " dense: relative error " + d);
                }
            }
            run++;
        }
        System.out.println("[gpu net] random graphs run: " + run);
    }

    @Test
    void aBatchOfCamerasGivesEachCameraItsOwnResultExactly() throws IOException {
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        int cams = 5;
        try (Backend batched = gpu(g, 0.02f, Precision.FP32); Backend single = gpu(g, 0.02f, Precision.FP32)) {
            String input = g.inputs().get(0).name();
            List<BackendStream> bs = new ArrayList<>(), ss = new ArrayList<>();
            for (int c = 0; c < cams; c++) {
                bs.add(batched.newStream());
                ss.add(single.newStream());
            }
            for (int t = 0; t < 6; t++) {
                List<Map<String, Tensor>> ins = new ArrayList<>();
                for (int c = 0; c < cams; c++) ins.add(Map.of(input, frames.get((t + c) % frames.size())));
                List<FrameResult> together = batched.process(bs, ins);
                for (int c = 0; c < cams; c++) {
                    FrameResult alone = single.process(List.of(ss.get(c)), List.of(ins.get(c))).get(0);
                    for (String k : alone.outputs().keySet()) {
                        assertArrayEquals(alone.outputs().get(k).data(), together.get(c).outputs().get(k).data(),
                                "camera " + c + " frame " + t + " output " + k);
                    }
                    assertEquals(alone.stats().macs(), together.get(c).stats().macs(), "camera " + c + " MACs");
                }
            }
            assertTrue(((CudaBackend) batched).capturable(Map.of(input, frames.get(0).shape())),
                    "posenet runs entirely on the GPU, as one CUDA graph");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP16"})
    void rgbFramesConvertedOnTheGpuGiveExactlyTheResultsOfTheirTensors(Precision p) throws IOException {
        Graph g = model("posenet");
        byte[] rgb = Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
        int w = 385, h = 385, frameBytes = 3 * w * h;
        String input = g.inputs().get(0).name();
        try (Backend gpu = gpu(g, 0.02f, p)) {
            BackendStream fromImages = gpu.newStream(), fromTensors = gpu.newStream(), other = gpu.newStream();
            for (int t = 0; t < 4; t++) {
                RgbInput pm1 = new RgbInput(rgb, t * frameBytes, w, h, ImageTensors.Scale.PM1);
                // a batch of two pixel scales runs as two groups; the PM1 camera must not notice
                RgbInput unit = new RgbInput(rgb, (t + 5) * frameBytes, w, h, ImageTensors.Scale.UNIT);
                List<FrameResult> images = gpu.processImages(List.of(fromImages, other), List.of(pm1, unit));
                FrameResult tensors = gpu.process(fromTensors, pm1.toTensor());
                for (String k : tensors.outputs().keySet()) {
                    assertArrayEquals(tensors.outputs().get(k).data(), images.get(0).outputs().get(k).data(),
                            "frame " + t + " output " + k);
                }
                assertEquals(tensors.stats().macs(), images.get(0).stats().macs(), "frame " + t + " MACs");
                Map<String, Tensor> dense = gpu.dense(List.of(Map.of(input, unit.toTensor()))).get(0);
                Map<String, Tensor> denseImage = gpu.denseImages(List.of(unit)).get(0);
                for (String k : dense.keySet()) {
                    assertArrayEquals(dense.get(k).data(), denseImage.get(k).data(), "dense frame " + t + " output " + k);
                }
            }
        }
    }

    @Test
    void aNonFiniteInputIsRefusedLikeOnTheCpuAndTheBatchRestartsWithKeyframes() throws IOException {
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        String input = g.inputs().get(0).name();
        Tensor bad = Tensor.of(frames.get(1).shape(), frames.get(1).data().clone());
        bad.data()[123_457] = Float.NaN;
        bad.data()[200_000] = Float.POSITIVE_INFINITY;
        try (Backend gpu = gpu(g, 0.02f, Precision.FP32); Backend cpu = cpu(g, 0.02f)) {
            ModelException expected = assertThrows(ModelException.class, () -> cpu.dense(List.of(Map.of(input, bad))));
            ModelException dense = assertThrows(ModelException.class, () -> gpu.dense(List.of(Map.of(input, bad))));
            assertEquals(expected.getMessage(), dense.getMessage());
            BackendStream a = gpu.newStream(), b = gpu.newStream();
            gpu.process(List.of(a, b), List.of(Map.of(input, frames.get(0)), Map.of(input, frames.get(0))));
            ModelException cb = assertThrows(ModelException.class,
                    () -> gpu.process(List.of(a, b), List.of(Map.of(input, frames.get(1)), Map.of(input, bad))));
            assertEquals(expected.getMessage(), cb.getMessage());
            assertTrue(a.keyframePending() && b.keyframePending(), "both streams of the failed batch start over");
            List<FrameResult> next = gpu.process(List.of(a, b), List.of(Map.of(input, frames.get(2)), Map.of(input, frames.get(2))));
            Map<String, Tensor> ref = cpu.dense(List.of(Map.of(input, frames.get(2)))).get(0);
            for (FrameResult r : next) {
                assertTrue(r.stats().keyframe(), "the frame after the failure is a keyframe");
                assertTrue(worst(ref, r.outputs()) <= tolerance(Precision.FP32), "keyframe equals the dense model");
            }
        }
    }

    @Test
    void aRestoredStreamContinuesExactlyAndCpuSnapshotsRestoreOnTheGpu() throws IOException {
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        try (Backend gpu = gpu(g, 0.02f, Precision.FP32); Backend cpu = cpu(g, 0.02f)) {
            BackendStream a = gpu.newStream(), c = cpu.newStream();
            for (int t = 0; t < 5; t++) {
                gpu.process(a, frames.get(t));
                cpu.process(c, frames.get(t));
            }
            StateSnapshot snap = a.snapshot();
            assertNotNull(snap);
            BackendStream b = gpu.restore(snap);
            BackendStream fromCpu = gpu.restore(c.snapshot());
            assertEquals(5, b.frames());
            for (int t = 5; t < frames.size(); t++) {
                FrameResult ra = gpu.process(a, frames.get(t));
                FrameResult rb = gpu.process(b, frames.get(t));
                FrameResult rc = cpu.process(c, frames.get(t));
                FrameResult rx = gpu.process(fromCpu, frames.get(t));
                assertTrue(!rb.stats().keyframe() && !rx.stats().keyframe(), "no keyframe after a restore");
                for (String k : ra.outputs().keySet()) {
                    assertArrayEquals(ra.outputs().get(k).data(), rb.outputs().get(k).data(), "frame " + t + " " + k);
                }
                double e = worst(rc.outputs(), rx.outputs());
                assertTrue(e <= 2e-2, "CPU state continued on the GPU: relative error " + e + " at frame " + t);
            }
        }
    }

    @Test
    void theDenseFallbackChoosesAndComputesLikeTheCpuAlsoInMixedBatchesAndAcrossRestores() throws IOException {
        Graph g = model("posenet");
        List<Tensor> frames = vtest("posenet", "vtest_f100-109_385x385.rgb");
        DenseFallback fallback = DenseFallback.uniform(0.5).probeEvery(3);
        Thresholds th = Thresholds.uniform(0.02f);
        try (Backend cpu = Backend.builder().graph(g).thresholds(th).denseFallback(fallback).build();
             Backend gpu = Backend.builder().graph(g).thresholds(th).denseFallback(fallback).kind(BackendBuilder.Kind.CUDA).build();
             Backend batched = Backend.builder().graph(g).thresholds(th).denseFallback(fallback).kind(BackendBuilder.Kind.CUDA).build()) {
            String input = g.inputs().get(0).name();
            // camera 1 starts two frames after camera 0: their layers are in different modes (a mixed batch)
            BackendStream c0 = cpu.newStream(), g0 = gpu.newStream(), b0 = batched.newStream(), b1 = batched.newStream();
            BackendStream g1 = gpu.newStream();
            int dense = 0, mixed = 0;
            for (int t = 0; t < 2 * frames.size(); t++) {
                Tensor f = frames.get(t % frames.size());
                FrameResult rc = cpu.process(c0, f), rg = gpu.process(g0, f);
                List<LayerStats> lc = rc.stats().layers(), lg = rg.stats().layers();
                for (int i = 0; i < lc.size(); i++) {
                    assertEquals(lc.get(i).mode(), lg.get(i).mode(), "frame " + t + " layer " + lc.get(i).name());
                    if (lg.get(i).mode() == LayerMode.DENSE) dense++;
                }
                double e = worst(rc.outputs(), rg.outputs());
                assertTrue(e <= 2e-2, "frame " + t + ": GPU vs CPU with the fallback, relative error " + e);
                if (t < 2) {
                    batched.process(List.of(b0), List.of(Map.of(input, f)));
                    continue;
                }
                Tensor f1 = frames.get((t - 2) % frames.size());
                FrameResult alone1 = gpu.process(g1, f1);
                List<FrameResult> together = batched.process(List.of(b0, b1), List.of(Map.of(input, f), Map.of(input, f1)));
                for (int i = 0; i < lg.size(); i++) {
                    if (lg.get(i).mode() != alone1.stats().layers().get(i).mode()) mixed++;
                }
                for (String k : rg.outputs().keySet()) {
                    assertArrayEquals(rg.outputs().get(k).data(), together.get(0).outputs().get(k).data(), "camera 0 frame " + t + " " + k);
                    assertArrayEquals(alone1.outputs().get(k).data(), together.get(1).outputs().get(k).data(), "camera 1 frame " + t + " " + k);
                }
            }
            assertTrue(dense > 0, "some posenet layers recompute more than half their outputs, so they fall back");
            assertTrue(mixed > 0, "the two cameras' layers were in different modes at times");
            System.out.printf("[gpu net] posenet fp32 fallback 0.5/3: %d dense layer-frames, %d mixed layer-frames%n", dense, mixed);

            StateSnapshot snap = g0.snapshot();
            BackendStream restored = gpu.restore(snap);
            for (int t = 0; t < frames.size(); t++) {
                Tensor f = frames.get((t + 3) % frames.size());
                FrameResult ra = gpu.process(g0, f), rb = gpu.process(restored, f);
                for (String k : ra.outputs().keySet()) {
                    assertArrayEquals(ra.outputs().get(k).data(), rb.outputs().get(k).data(), "restored, frame " + t + " " + k);
                }
            }
        }
    }
}
