package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.cb.Thresholds;

/**
 * Runs the parts of a benchmark in order (dense, then change-based per threshold and per camera count),
 * printing as it goes, and gathers the figures into one JSON object.
 */
public final class BenchRunner {
    private final BenchSettings s;
    private final PrintStream out;

    public BenchRunner(BenchSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** Writes the graph, weights and a reference frame for the PyTorch peer into {@code dir}. */
    public void export(Path dir) throws IOException {
        PeerExport.write(s, dir, out);
    }

    /**
     * @param dense whether to time the dense model at each batch size
     * @param thresholds one change-based run (over every camera count) per entry
     */
    public ObjectNode run(boolean dense, List<Thresholds> thresholds, Path powerPlot) throws IOException {
        try (GpuEnergy energy = GpuEnergy.open(s.kind() != BackendBuilder.Kind.CPU, s.device())) {
            if (!energy.active()) out.println("no energy figures: " + energy.why());
            ObjectNode root = run(dense, thresholds, energy);
            if (powerPlot != null && energy.active()) {
                // the figures matter more than the picture: a plot that cannot be drawn is reported, not fatal
                try {
                    energy.plot(powerPlot, "GPU power, bench " + s.model().name() + " " + root.path("precision").asText());
                    out.println("wrote " + powerPlot);
                } catch (IOException | RuntimeException | LinkageError e) {
                    // e.g. a JDK without its font libraries (seen on the GPU machine: libharfbuzz missing)
                    out.println("no power plot: " + e);
                    java.nio.file.Files.deleteIfExists(powerPlot);
                }
            }
            return root;
        }
    }

    private ObjectNode run(boolean dense, List<Thresholds> thresholds, GpuEnergy energy) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", s.model().name());
        root.putArray("size").add(s.width()).add(s.height());
        root.put("scale", s.scale().name().toLowerCase());
        root.put("video", s.video().getFileName().toString());
        root.putArray("frames").add(s.from()).add(s.from() + s.steps());
        root.put("warmup", s.warmup());
        root.put("outputs", s.labels() ? "labels" : "full");
        if (dense) {
            try (Backend b = s.backend(Thresholds.uniform(0f))) {
                header(root, b);
                root.set("dense", DenseBench.run(s, b, energy, out));
            }
        }
        ArrayNode cb = root.putArray("cb");
        for (Thresholds t : thresholds) {
            for (String fallback : s.fallbacks()) {
                out.println("change-based, thresholds " + t.toJson() + ", dense fallback " + fallback);
                ObjectNode run = cb.addObject();
                run.set("thresholds", t.toJson());
                run.put("fallback", fallback);
                ArrayNode byCameras = run.putArray("runs");
                for (int cameras : s.cameras()) {
                    try (Backend b = s.backend(t, fallback, cameras, out)) {
                        if (!root.has("backend")) header(root, b);
                        ObjectNode r = ChangeBasedBench.run(s, b, cameras, energy, out);
                        r.set("break_even", b.fallback().toJson());
                        byCameras.add(r);
                    }
                }
            }
        }
        summary(root);
        return root;
    }

    private void header(ObjectNode root, Backend b) {
        long macs = s.model().macs(b.graph(), s.model().inputShape(s.width(), s.height()));
        root.put("backend", b.name());
        root.put("precision", b.precision().label());
        root.put("gmac_per_frame", macs / 1e9);
        out.printf("bench %s %dx%d (%.3f GMAC/frame) on %s, %s, frames %d:%d of %s, %s outputs%n", s.model().name(),
                s.width(), s.height(), macs / 1e9, b.name(), b.precision().label(), s.from(), s.from() + s.steps(),
                s.video().getFileName(), s.labels() ? "label map" : "full");
    }

    /** One line per change-based run: the figures the targets are stated in. */
    private void summary(ObjectNode root) {
        double denseMs = Double.NaN;
        if (root.has("dense")) {
            for (var row : root.get("dense")) if (row.get("batch").asInt() == 1) denseMs = row.get("ms_per_frame").asDouble();
        }
        out.printf("%nsummary %s %dx%d %s %s: dense batch 1 %.3f ms/frame%n", s.model().name(), s.width(), s.height(),
                root.path("backend").asText(), root.path("precision").asText(), denseMs);
        out.printf("%-10s %-9s %8s %12s %14s %10s %10s %12s%n", "threshold", "fallback", "cameras", "ms/cam-frame",
                "cam-frames/s", "vs dense", "MAC ratio", "rel L2");
        for (var run : root.get("cb")) {
            String th = run.get("thresholds").get("layers").isEmpty() ? run.get("thresholds").get("default").asText() : "file";
            for (var r : run.get("runs")) {
                double ms = r.get("ms_per_camera_frame").asDouble();
                out.printf("%-10s %-9s %8d %12.3f %14.1f %9.2fx %10.2f %12.3g%n", th, run.get("fallback").asText(),
                        r.get("cameras").asInt(), ms,
                        r.get("camera_frames_per_s").asDouble(), denseMs / ms, r.get("mac_ratio").asDouble(),
                        r.get("error_vs_dense").path("rel_l2").asDouble(Double.NaN));
            }
        }
    }
}
