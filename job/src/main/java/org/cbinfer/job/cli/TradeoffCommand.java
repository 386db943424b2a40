package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cbinfer.job.cli.tune.TradeoffReport;
import org.cbinfer.job.cli.tune.TuningInputs;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tune.Losses;
import org.cbinfer.kernels.tune.TradeoffSweep;

/**
 * {@code tradeoff}: the speed/accuracy trade-off of a thresholds file, as the reference's evaluation showed it.
 * Scales every threshold by a global factor (0 to 2 in steps of 0.2 by default) and reports, per factor, the
 * error against the dense outputs, the work (multiply-accumulates vs dense) and the wall time on the chosen
 * backend; writes CSVs, a markdown table and PNG plots (see {@link TradeoffReport}).
 */
public final class TradeoffCommand {
    public static final String USAGE = "tradeoff " + TuningInputs.USAGE + " (--thresholds FILE | --threshold T)"
            + " [--factors FROM:TO:STEP] [--loss SPEC[;SPEC...]] --out DIR\n"
            + "  --factors  default 0:2:0.2; --loss as for 'tune', the first is the plotted error"
            + " (default for pose: keypoints@0;keypoints@1;mae:heatmap;mae;max, else mae;max)";

    private TradeoffCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Set<String> options = new HashSet<>(TuningInputs.OPTIONS);
        options.addAll(Set.of("thresholds", "threshold", "factors", "loss", "out"));
        Args args = Args.parse(argv, options, Set.of());
        Path dir = Path.of(args.require("out"));
        Thresholds thresholds = InferCommand.thresholds(args);
        if (!args.has("thresholds") && !args.has("threshold")) throw new Args.UsageException("give --thresholds FILE or --threshold T");
        TuningInputs inputs = TuningInputs.load(args);
        TradeoffSweep.Builder sweep = TradeoffSweep.builder().backends(inputs.backends()).frames(inputs.frames()).thresholds(thresholds);
        try {
            if (args.has("factors")) sweep.factors(factors(args.require("factors")));
            boolean pose = inputs.graph().outputs().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).contains("heatmap"));
            String losses = args.get("loss", pose ? "keypoints@0;keypoints@1;mae:heatmap;mae;max" : "mae;max");
            for (String spec : losses.split(";")) sweep.loss(Losses.parse(spec, inputs.graph()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        String backend = inputs.backendName();
        String title = String.format(Locale.ROOT, "%s on %s %s at %s, %s", inputs.description().get("model").asText(),
                inputs.description().get("video").asText(), inputs.description().get("frames").asText(),
                inputs.description().get("size").asText(), backend);
        TradeoffSweep built = sweep.build();
        out.printf(Locale.ROOT, "trade-off of %s: %s%n", args.get("thresholds", "threshold " + args.get("threshold", "")), title);
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
            throw new Args.UsageException("--factors expects FROM:TO:STEP or a list F1,F2,..., got '" + s + "'");
        }
    }
}
