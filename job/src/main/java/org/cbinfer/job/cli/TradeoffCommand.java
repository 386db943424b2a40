package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cbinfer.job.cli.tune.TradeoffReport;
import org.cbinfer.job.cli.tune.TuningInputs;
import org.cbinfer.job.cli.tune.TuningOptions;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tune.Losses;
import org.cbinfer.kernels.tune.TradeoffSweep;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tradeoff}: the speed/accuracy trade-off of a thresholds file, as the reference's evaluation showed it.
 * Scales every threshold by a global factor (0 to 2 in steps of 0.2 by default) and reports, per factor, the
 * error against the dense outputs, the work (multiply-accumulates vs dense) and the wall time on the chosen
 * backend; writes CSVs, a markdown table and PNG plots (see {@link TradeoffReport}).
 */
@Command(name = "tradeoff", header = "Error vs speed-up of thresholds scaled by 0..2: CSV, table and PNG plots.",
        description = {
        "Error vs speed-up of a thresholds file, as the reference's evaluation showed it: every threshold scaled by each"
                + " --factors value; per factor the error against the dense outputs, the work (MACs vs dense) and the wall"
                + " time on the chosen backend. Writes tradeoff.csv, changed.csv, tradeoff.md and the PNG plots"
                + " tradeoff.png and changed.png."})
public final class TradeoffCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    private TuningOptions inputs;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nThe thresholds to scale (one of):%n")
    private ThresholdChoice thresholds;

    @Option(names = "--factors", paramLabel = "FROM:TO:STEP|F1,F2,...", defaultValue = "0:2:0.2",
            description = "the factors the thresholds are scaled by (default: ${DEFAULT-VALUE})")
    private String factors;

    @Option(names = "--loss", paramLabel = "SPEC[;SPEC...]",
            description = "the errors reported, as for 'tune'; the first is the plotted one (default for pose models:"
                    + " keypoints@0;keypoints@1;mae:heatmap;mae;max, else mae;max)")
    private String losses;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the CSVs, the table and the plots go")
    private Path dir;

    public TradeoffCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Thresholds thresholds = ThresholdChoice.resolve(this.thresholds, 0f);
        TuningInputs inputs = TuningInputs.load(this.inputs);
        TradeoffSweep.Builder sweep = TradeoffSweep.builder().backends(inputs.backends()).frames(inputs.frames()).thresholds(thresholds);
        try {
            sweep.factors(factors(factors));
            boolean pose = inputs.graph().outputs().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).contains("heatmap"));
            String losses = this.losses != null ? this.losses : pose ? "keypoints@0;keypoints@1;mae:heatmap;mae;max" : "mae;max";
            for (String spec : losses.split(";")) sweep.loss(Losses.parse(spec, inputs.graph()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String backend = inputs.backendName();
        String title = String.format(Locale.ROOT, "%s on %s %s at %s, %s", inputs.description().get("model").asText(),
                inputs.description().get("video").asText(), inputs.description().get("frames").asText(),
                inputs.description().get("size").asText(), backend);
        TradeoffSweep built = sweep.build();
        out.printf(Locale.ROOT, "trade-off of %s: %s%n", this.thresholds.describe(), title);
        List<TradeoffSweep.Point> points = built.run(i -> out.printf(Locale.ROOT, "  point %d/%d ...%n", i + 1, built.factors().size()));
        TradeoffReport report = new TradeoffReport(points, title);
        report.write(dir);
        out.print(report.markdown());
        out.printf("wrote %s (tradeoff.csv, changed.csv, tradeoff.md, tradeoff.png, changed.png)%n", dir);
        return 0;
    }

    private static List<Float> factors(String s) {
        String[] p = s.split(":");
        try {
            if (p.length == 3) return TradeoffSweep.factors(Float.parseFloat(p[0]), Float.parseFloat(p[1]), Float.parseFloat(p[2]));
            List<Float> list = new ArrayList<>();
            for (String f : s.split(",")) list.add(Float.parseFloat(f));
            return list;
        } catch (NumberFormatException e) {
            throw new UsageException("--factors expects FROM:TO:STEP or a list F1,F2,..., got '" + s + "'");
        }
    }
}
