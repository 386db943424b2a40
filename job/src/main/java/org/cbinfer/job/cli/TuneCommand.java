package org.cbinfer.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cbinfer.job.cli.tune.ProgressBar;
import org.cbinfer.job.cli.tune.TuningInputs;
import org.cbinfer.job.cli.tune.TuningOptions;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tune.GreedyTuner;
import org.cbinfer.kernels.tune.LossBudget;
import org.cbinfer.kernels.tune.Losses;
import org.cbinfer.kernels.tune.TuningJournal;
import org.cbinfer.kernels.tune.TuningLoss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tune}: the reference's greedy threshold tuner on frames of a video, against the dense model's own
 * outputs (no labels needed). Writes a thresholds file that {@code infer}, {@code bench} and the job read,
 * with how it was made under {@code "tuned"}. Every evaluation goes to a journal beside the output
 * ({@code OUT.journal}); rerunning the same command continues an interrupted run.
 */
@Command(name = "tune", header = "Tune per-layer thresholds on video frames against the dense model (no labels needed).",
        description = {
        "Tune per-layer thresholds on video frames against the dense model's own outputs (no labels needed), with the"
                + " reference's greedy tuner: layer by layer, the largest threshold whose loss stays within the budget.",
        "Writes a thresholds file that infer, bench, demo and the job read, with how it was made under \"tuned\". Every"
                + " evaluation goes to a journal beside it (OUT.journal): the same command again continues an interrupted run."})
public final class TuneCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TuningOptions inputs;

    @Option(names = "--loss", paramLabel = "SPEC",
            description = "mae[:OUT,...] | mse[:OUT,...] | max[:OUT,...] | keypoints[:OUT][@K] | pixels[:OUT][@CUT]"
                    + " (default: keypoints@0 when an output is a heatmap, else mae)")
    private String loss;

    @Option(names = "--budget", paramLabel = "A[,B]", defaultValue = "0.004,0.001",
            description = "loss growth allowed for the first layer [and each later one] (default: ${DEFAULT-VALUE})")
    private String budget;

    @Option(names = "--th0", paramLabel = "T", defaultValue = "0.05", description = "first threshold tried per layer (default: ${DEFAULT-VALUE})")
    private float th0;

    @Option(names = "--growth", paramLabel = "G", defaultValue = "1.2", description = "factor between tries (default: ${DEFAULT-VALUE})")
    private float growth;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "24", description = "tries per layer at most (default: ${DEFAULT-VALUE})")
    private int maxSteps;

    @Option(names = "--start", paramLabel = "T|FILE", defaultValue = "0",
            description = "thresholds before tuning: a value or a thresholds file (default: ${DEFAULT-VALUE})")
    private String start;

    @Option(names = "--fresh", description = "ignore (delete) the journal of an earlier run (default: continue from it)")
    private boolean fresh;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the thresholds file to write, e.g. thresholds.json")
    private Path target;

    public TuneCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Path journalFile = Path.of(target + ".journal");
        TuningInputs inputs = TuningInputs.load(this.inputs);
        TuningLoss loss;
        LossBudget budget;
        try {
            loss = Losses.parse(this.loss != null ? this.loss : defaultLoss(inputs), inputs.graph());
            budget = LossBudget.parse(this.budget);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Thresholds start = start(this.start);
        if (fresh) Files.deleteIfExists(journalFile);

        GreedyTuner.Builder tuner = GreedyTuner.builder().backends(inputs.backends()).frames(inputs.frames()).loss(loss)
                .budget(budget).start(start).journal(TuningJournal.at(journalFile)).describeInputs(inputs.description())
                .listener(new ProgressBar(out, System.console() != null));
        try {
            tuner.initialThreshold(th0).growth(growth).maxSteps(maxSteps);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.printf(Locale.ROOT, "tuning %s on %d frames of %s at %s (%s), loss %s, budget %s; journal %s%n",
                inputs.model().getFileName(), inputs.frames().size(), inputs.description().get("video").asText(),
                inputs.description().get("size").asText(), inputs.backendName(), loss.describe(), budget, journalFile);
        GreedyTuner.Result result = tuner.build().tune();

        ObjectNode file = result.thresholds().toJson();
        ObjectNode tuned = file.putObject("tuned");
        tuned.put("command", "bin/cbinfer " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
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
            throw new UsageException("--start: " + e.getMessage());
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
