package org.cbinfer.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cbinfer.job.cli.tune.ProgressBar;
import org.cbinfer.job.cli.tune.TuningInputs;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tune.GreedyTuner;
import org.cbinfer.kernels.tune.Losses;
import org.cbinfer.kernels.tune.LossBudget;
import org.cbinfer.kernels.tune.TuningJournal;
import org.cbinfer.kernels.tune.TuningLoss;

/**
 * {@code tune}: the reference's greedy threshold tuner on frames of a video, against the dense model's own
 * outputs (no labels needed). Writes a thresholds file that {@code infer}, {@code bench} and the job read,
 * with how it was made under {@code "tuned"}. Every evaluation goes to a journal beside the output
 * ({@code OUT.journal}); rerunning the same command continues an interrupted run.
 */
public final class TuneCommand {
    public static final String USAGE = "tune " + TuningInputs.USAGE + " [--loss SPEC] [--budget A[,B]] [--th0 T] [--growth G]"
            + " [--max-steps N] [--start T|FILE] [--fresh] --out thresholds.json\n"
            + "  --loss    mae[:OUT,...] | mse[:OUT,...] | max[:OUT,...] | keypoints[:OUT][@K] | pixels[:OUT][@CUT]"
            + " (default keypoints@0 when an output is a heatmap, else mae)\n"
            + "  --budget  loss growth allowed for the first layer [and each later one] (default 0.004,0.001)\n"
            + "  --th0     first threshold tried per layer (default 0.05); --growth factor between tries (default 1.2)\n"
            + "  --start   thresholds before tuning (a value or a thresholds file; default 0); --fresh ignores the journal";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TuneCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Set<String> options = new HashSet<>(TuningInputs.OPTIONS);
        options.addAll(Set.of("loss", "budget", "th0", "growth", "max-steps", "start", "out"));
        Args args = Args.parse(argv, options, Set.of("fresh"));
        Path target = Path.of(args.require("out"));
        Path journalFile = Path.of(target + ".journal");
        TuningInputs inputs = TuningInputs.load(args);
        TuningLoss loss;
        LossBudget budget;
        try {
            loss = Losses.parse(args.get("loss", defaultLoss(inputs)), inputs.graph());
            budget = LossBudget.parse(args.get("budget", "0.004,0.001"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        Thresholds start = start(args.get("start", "0"));
        if (args.has("fresh")) Files.deleteIfExists(journalFile);

        GreedyTuner.Builder tuner = GreedyTuner.builder().backends(inputs.backends()).frames(inputs.frames()).loss(loss)
                .budget(budget).start(start).journal(TuningJournal.at(journalFile)).describeInputs(inputs.description())
                .listener(new ProgressBar(out, System.console() != null));
        try {
            tuner.initialThreshold(args.floatValue("th0", 0.05f)).growth(args.floatValue("growth", 1.2f))
                    .maxSteps(args.intValue("max-steps", 24));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        out.printf(Locale.ROOT, "tuning %s on %d frames of %s at %s (%s), loss %s, budget %s; journal %s%n",
                inputs.model().getFileName(), inputs.frames().size(), inputs.description().get("video").asText(),
                inputs.description().get("size").asText(), inputs.backendName(), loss.describe(), budget, journalFile);
        GreedyTuner.Result result = tuner.build().tune();

        ObjectNode file = result.thresholds().toJson();
        ObjectNode tuned = file.putObject("tuned");
        tuned.put("command", "bin/cbinfer tune " + String.join(" ", argv));
        tuned.set("inputs", inputs.description());
        tuned.put("loss", loss.describe());
        tuned.put("budget", budget.toString());
        tuned.put("loss_before", result.start().loss());
        tuned.put("loss_after", result.last().loss());
        tuned.put("work_fraction", result.last().workFraction());
        tuned.put("evaluations", result.evaluations());
        writeAtomically(target, file);
        out.printf(Locale.ROOT, "done: %d evaluations (%d run now, the rest from the journal); loss %.4g -> %.4g;"
                        + " work %.1f%% of dense (%.2fx fewer MACs); wrote %s%n", result.evaluations(), result.evaluationsRun(),
                result.start().loss(), result.last().loss(), 100 * result.last().workFraction(), 1 / result.last().workFraction(), target);
        return 0;
    }

    /** Pose models are judged by where their keypoints land; anything else by its outputs' values. */
    private static String defaultLoss(TuningInputs inputs) {
        return inputs.graph().outputs().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).contains("heatmap")) ? "keypoints@0" : "mae";
    }

    private static Thresholds start(String s) throws IOException {
        try {
            return Thresholds.uniform(Float.parseFloat(s));
        } catch (NumberFormatException e) {
            return Thresholds.read(Path.of(s));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--start: " + e.getMessage());
        }
    }

    private static void writeAtomically(Path target, ObjectNode content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
