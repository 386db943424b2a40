package org.cbinfer.kernels.cb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-layer dense fallback (docs/algorithm.md, "Beyond the reference"): a change-based layer whose last
 * change-based frame recomputed more than its break-even fraction of its outputs computes the following
 * frames densely, without change detection, because detection, dilation and the gathered computation then
 * cost more than the dense computation. Every {@code probeEvery} frames it returns to change-based
 * computation for one frame (after a frame that commits its whole input), and stays there while the
 * recomputed fraction is at most the break-even.
 *
 * <p>The break-even is a fraction of the layer's output positions in [0, 1]; 1 (the default, {@link #NONE})
 * never falls back. Where it lies depends on the layer and the backend: the CUDA backend measures it
 * ({@code CudaBackend.measureBreakEven}); files look like {@code {"default": 0.85, "probeEvery": 16,
 * "layers": {"conv1": 0.4}}}.
 *
 * <p>All layers of a stream probe at the same frames (f with {@code f % probeEvery == 0}, after re-committing
 * at the frame before): a frame's launch sequence depends on which layers compute densely, and aligned probes
 * keep the number of different sequences (captured CUDA graphs) to a few - the steady one, the re-committing
 * one and the probing one - instead of one per layer phase; streams that started together probe together, so
 * they share one sequence in a batch. The price is that every {@code probeEvery} frames two frames pay for
 * change detection in every layer. A layer's mode is part of its stream's state
 * ({@link StateSnapshot#layerModes()}): what a frame computes depends on it.
 */
public final class DenseFallback implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Frames between returns to change-based computation, by default. */
    public static final int DEFAULT_PROBE_EVERY = 16;
    /** Never falls back: every layer is change-based on every frame (the reference algorithm). */
    public static final DenseFallback NONE = new DenseFallback(1.0, Map.of(), DEFAULT_PROBE_EVERY);

    private final double defaultBreakEven;
    private final Map<String, Double> layers;
    private final int probeEvery;

    private DenseFallback(double defaultBreakEven, Map<String, Double> layers, int probeEvery) {
        check("default", defaultBreakEven);
        layers.forEach(DenseFallback::check);
        if (probeEvery < 1) throw new IllegalArgumentException("probeEvery must be >= 1, got " + probeEvery);
        this.defaultBreakEven = defaultBreakEven;
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        this.probeEvery = probeEvery;
    }

    private static void check(String layer, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("break-even of " + layer + " must be in [0, 1], got " + v);
    }

    /** The same break-even fraction for every layer. */
    public static DenseFallback uniform(double breakEven) {
        return new DenseFallback(breakEven, Map.of(), DEFAULT_PROBE_EVERY);
    }

    /** Per-layer break-even fractions, {@code defaultBreakEven} for layers not listed. */
    public static DenseFallback of(double defaultBreakEven, Map<String, Double> layers) {
        return new DenseFallback(defaultBreakEven, layers, DEFAULT_PROBE_EVERY);
    }

    /** A copy that probes every {@code frames} frames. */
    public DenseFallback probeEvery(int frames) {
        return new DenseFallback(defaultBreakEven, layers, frames);
    }

    public double breakEven(String layer) {
        return layers.getOrDefault(layer, defaultBreakEven);
    }

    public double defaultBreakEven() {
        return defaultBreakEven;
    }

    public Map<String, Double> layers() {
        return layers;
    }

    public int probeEvery() {
        return probeEvery;
    }

    /**
     * The mode of a layer's next frame: a change-based frame that recomputed more than the break-even fraction
     * makes the layer dense; a dense layer stays dense until the frame before a probe, where it re-commits its
     * input; a re-committing frame is followed by a change-based one.
     *
     * @param mode            the mode of the frame just computed (keyframes count as {@link LayerMode#REKEY})
     * @param updatedFraction the fraction of the layer's outputs that frame recomputed
     * @param layer           the layer's name
     * @param nextFrame       the stream's frame number of the next frame
     */
    public LayerMode next(LayerMode mode, double updatedFraction, String layer, long nextFrame) {
        boolean dense = mode == LayerMode.DENSE || mode == LayerMode.CHANGE_BASED && updatedFraction > breakEven(layer);
        if (!dense) return LayerMode.CHANGE_BASED;
        return (nextFrame + 1) % probeEvery == 0 ? LayerMode.REKEY : LayerMode.DENSE;
    }

    /**
     * A fallback named as users write it (job config, bench): {@code none}, one break-even fraction for every layer
     * (probing every {@code probeEvery} frames), or the path of a fallback file.
     *
     * @throws IllegalArgumentException for a fraction outside [0, 1]
     * @throws IOException when the file cannot be read or is malformed
     */
    public static DenseFallback parse(String spec, int probeEvery) throws IOException {
        String v = spec.trim();
        if (v.equals("none")) return NONE;
        double fraction;
        try {
            fraction = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return read(Path.of(v));
        }
        return uniform(fraction).probeEvery(probeEvery);
    }

    public static DenseFallback read(Path file) throws IOException {
        LayerValuesFile.Parsed f = LayerValuesFile.read(file, "break-even");
        JsonNode p = f.root().get("probeEvery");
        if (p != null && !p.canConvertToInt()) throw new IOException(file + ": 'probeEvery' is not an integer");
        try {
            return new DenseFallback(f.defaultValue() == null ? 1.0 : f.defaultValue().doubleValue(), f.layers(),
                    p == null ? DEFAULT_PROBE_EVERY : p.intValue());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        LayerValuesFile.write(file, toJson());
    }

    public ObjectNode toJson() {
        return LayerValuesFile.toJson(defaultBreakEven, layers).put("probeEvery", probeEvery);
    }

    @Override
    public String toString() {
        return "DenseFallback{default=" + defaultBreakEven + ", probeEvery=" + probeEvery + ", layers=" + layers + "}";
    }
}
