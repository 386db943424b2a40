package org.cbinfer.kernels.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.cbinfer.kernels.cb.Thresholds;

/**
 * What makes tuning resumable: every evaluation is appended to a file (JSON lines) as soon as it is done,
 * and a rerun with the same settings replays them instead of running them again. The tuner is
 * deterministic, so a rerun retraces the same path and continues where the last one stopped.
 *
 * <p>The first line holds the settings (model, frames, loss, budget, ...); a journal written with other
 * settings is refused rather than silently mixed in. A torn last line (the process killed while writing)
 * is ignored.
 */
public final class TuningJournal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAGIC = "cbinfer-tune-journal";

    private final Path file;
    private final Map<String, Evaluation> done = new HashMap<>();
    private BufferedWriter writer;
    private List<String> layers;

    private TuningJournal(Path file) {
        this.file = file;
    }

    /** A journal at {@code file}; nothing is read or written until the tuner begins. */
    public static TuningJournal at(Path file) {
        return new TuningJournal(file);
    }

    /** A journal that keeps nothing (tuning runs from scratch every time). */
    static TuningJournal none() {
        return new TuningJournal(null);
    }

    public Path file() {
        return file;
    }

    /**
     * Loads the evaluations of an earlier run with the same settings, or starts a new journal.
     *
     * @return how many evaluations were loaded
     * @throws IOException if the file cannot be read or written, or holds a journal of other settings
     */
    int begin(ObjectNode settings, List<String> layers) throws IOException {
        this.layers = List.copyOf(layers);
        if (file == null) return 0;
        if (Files.exists(file) && Files.size(file) > 0) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            JsonNode head = parse(lines.get(0));
            if (head == null || !head.has(MAGIC)) throw new IOException(file + " is not a tuning journal");
            // compared as parsed JSON: numbers written as floats read back as doubles
            if (!JSON.readTree(JSON.writeValueAsString(settings)).equals(head.get("settings"))) {
                throw new IOException(file + " is the journal of a tuning run with other settings:\n  journal: "
                        + head.get("settings") + "\n  now:     " + settings
                        + "\ndelete it (or pass --fresh) to start over, or rerun with the journal's settings to continue it");
            }
            for (String line : lines.subList(1, lines.size())) {
                JsonNode e = parse(line);
                if (e == null) continue; // torn write at the end of an interrupted run
                Evaluation ev = read(e);
                done.put(key(ev.thresholds()), ev);
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } else {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            ObjectNode head = JSON.createObjectNode();
            head.put(MAGIC, 1);
            head.set("settings", settings);
            writeLine(head);
        }
        return done.size();
    }

    Optional<Evaluation> lookup(Thresholds thresholds) {
        return Optional.ofNullable(done.get(key(thresholds))).map(Evaluation::asCached);
    }

    void record(Evaluation e) {
        done.put(key(e.thresholds()), e);
        if (writer == null) return;
        ObjectNode o = JSON.createObjectNode();
        o.set("thresholds", e.thresholds().toJson());
        o.put("loss", Double.isFinite(e.loss()) ? Double.toString(e.loss()) : "Infinity");
        o.put("macs", e.macs());
        o.put("dense_macs", e.denseMacs());
        o.put("seconds", e.seconds());
        try {
            writeLine(o);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the tuning journal " + file, ex);
        }
    }

    private void writeLine(JsonNode n) throws IOException {
        writer.write(JSON.writeValueAsString(n));
        writer.newLine();
        writer.flush();
    }

    /** Evaluations are the same when every tuned layer has the same threshold (floats compared exactly). */
    private String key(Thresholds t) {
        Map<String, Float> all = new TreeMap<>();
        for (String layer : layers) all.put(layer, t.of(layer));
        return all.toString();
    }

    private static JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static Evaluation read(JsonNode e) {
        JsonNode t = e.get("thresholds");
        Map<String, Float> layerMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = t.get("layers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            layerMap.put(f.getKey(), f.getValue().floatValue());
        }
        Thresholds th = Thresholds.of(t.get("default").floatValue(), layerMap);
        double loss = Double.parseDouble(e.get("loss").asText());
        return new Evaluation(th, loss, e.get("macs").asLong(), e.get("dense_macs").asLong(), e.get("seconds").asDouble(), true);
    }

    @Override
    public void close() throws IOException {
        if (writer != null) writer.close();
        writer = null;
    }
}
