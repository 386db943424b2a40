package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.cb.FrameStats;
import org.cbinfer.kernels.cb.LayerMode;
import org.cbinfer.kernels.cb.LayerStats;

/**
 * Per-layer averages over the timed change-based frames of every camera: changed and updated fractions, the
 * fraction of frames a layer computed densely (dense fallback; its changed fraction then counts as 1), and
 * the multiply-accumulates done against the dense count (whose ratio is the MAC-ratio ceiling counting gives).
 */
final class LayerProfile {
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private long macs;
    private long denseMacs;
    private int frames;

    private static final class Layer {
        String type;
        double changed;
        double updated;
        long macs;
        long denseMacs;
        int dense;
    }

    void add(FrameStats stats) {
        frames++;
        for (LayerStats l : stats.layers()) {
            Layer a = layers.computeIfAbsent(l.name(), k -> new Layer());
            a.type = l.type();
            a.changed += l.changedFraction();
            a.updated += l.updatedFraction();
            a.macs += l.macs();
            a.denseMacs += l.denseMacs();
            if (l.mode() == LayerMode.DENSE) a.dense++;
        }
        macs += stats.macs();
        denseMacs += stats.denseMacs();
    }

    int frames() {
        return frames;
    }

    /** Dense MACs over the MACs done: how many times less work than dense the counting says. */
    double macRatio() {
        return macs == 0 ? Double.POSITIVE_INFINITY : (double) denseMacs / macs;
    }

    /** Mean changed fraction of the first layer's input (the camera's pixels). */
    double inputChangedFraction() {
        return layers.values().stream().filter(l -> l.denseMacs > 0).findFirst().map(l -> l.changed / frames).orElse(Double.NaN);
    }

    ArrayNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        layers.forEach((name, l) -> a.addObject().put("name", name).put("op", l.type)
                .put("changed_fraction", l.changed / frames).put("updated_fraction", l.updated / frames)
                .put("dense_fallback_fraction", l.dense / (double) frames)
                .put("mac_share_of_dense", l.denseMacs == 0 ? 0 : (double) l.macs / l.denseMacs)
                .put("dense_gmac", l.denseMacs / 1e9 / frames));
        return a;
    }

    /** A compact text line per layer with MACs: "name changed/updated", and "dense D" where it fell back. */
    String summary() {
        StringBuilder s = new StringBuilder();
        layers.forEach((name, l) -> {
            if (l.denseMacs == 0) return;
            s.append(String.format("%s %.3f/%.3f", name, l.changed / frames, l.updated / frames));
            s.append(l.dense > 0 ? String.format(" dense %.2f  ", l.dense / (double) frames) : "  ");
        });
        return s.toString().trim();
    }
}
