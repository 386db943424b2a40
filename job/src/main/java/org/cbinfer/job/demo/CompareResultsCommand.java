package org.cbinfer.job.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cbinfer.job.cli.Args;
import org.cbinfer.operators.post.ResultJson;

/**
 * {@code compare-results RUN_A RUN_B}: how far two demo runs' PoseNet results agree ({@link ResultComparison}); exits 1
 * when the agreement is below the tolerances, so that a script can check a GPU run against a CPU run.
 */
public final class CompareResultsCommand {
    public static final String USAGE = String.join("\n",
            "compare-results RUN_A RUN_B [--max-missing N] [--min-same-position F] [--min-within-1px F]",
            "                [--max-mean-score-diff D] [--max-score-diff D] [--json FILE]",
            "  pairs the results of two runs (run directories with results.jsonl, or the files) by camera and sequence",
            "  and compares their PoseNet skeletons: skeletons matched by nearest keypoints; per keypoint the score",
            "  difference and whether the position is the same (to the JSON's 0.01 px), within 1 px, within one",
            "  heatmap cell (16 px); an unmatched skeleton's keypoints count as different. Exit 1 when a tolerance fails:",
            "  --max-missing          results found in one run only (default 0)",
            "  --min-same-position    share of keypoints at the same position (default 0.9)",
            "  --min-within-1px       share of keypoints within 1 px (default 0.9)",
            "  --max-mean-score-diff  mean absolute keypoint score difference (default 0.01)",
            "  --max-score-diff       largest absolute keypoint score difference (default 1: unchecked)",
            "  --json FILE            also write the figures and the verdict as JSON");

    private CompareResultsCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        List<String> runs = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--")) {
                options.add(a);
                if (!a.contains("=") && i + 1 < argv.size()) options.add(argv.get(++i));
            } else {
                runs.add(a);
            }
        }
        if (runs.size() != 2) throw new Args.UsageException("give two runs to compare, got " + runs.size());
        Args args = Args.parse(options, Set.of("max-missing", "min-same-position", "min-within-1px", "max-mean-score-diff",
                "max-score-diff", "json"), Set.of());
        Path a = Path.of(runs.get(0)), b = Path.of(runs.get(1));
        for (Path p : List.of(a, b)) {
            if (!Files.exists(p)) throw new Args.UsageException("no such run: " + p);
        }
        ResultComparison.Report r = ResultComparison.compare(a, b);

        out.printf(Locale.ROOT, "A: %s (%d results, %d duplicates)%nB: %s (%d results, %d duplicates)%n",
                ResultComparison.resultsFile(a), r.resultsA(), r.duplicatesA(), ResultComparison.resultsFile(b),
                r.resultsB(), r.duplicatesB());
        out.printf(Locale.ROOT, "pairs (camera, sequence): %d; only in A: %d; only in B: %d; without skeletons: %d%n",
                r.pairs(), r.onlyInA(), r.onlyInB(), r.pairsWithoutSkeletons());
        out.printf(Locale.ROOT, "skeletons: %d matched, %d without a partner; pairs with the same number of skeletons: %d%n",
                r.personsMatched(), r.personsUnmatched(), r.pairsSamePersonCount());
        out.printf(Locale.ROOT, "keypoints: %d; same position %s, within 1 px %s, within one cell %s%n", r.keypoints(),
                pct(r.samePositionShare()), pct(r.within1pxShare()), pct(r.withinCellShare()));
        out.printf(Locale.ROOT, "keypoint score |A-B|: max %.4g, mean %.4g; skeleton score |A-B|: max %.4g%n",
                r.maxScoreDiff(), r.meanScoreDiff(), r.maxPersonScoreDiff());

        List<String> failures = new ArrayList<>();
        long maxMissing = args.intValue("max-missing", 0);
        if (r.missing() > maxMissing) failures.add(r.missing() + " results in one run only > " + maxMissing);
        if (r.pairs() == 0) failures.add("no result in both runs");
        atLeast(failures, "same position", r.samePositionShare(), args.floatValue("min-same-position", 0.9f));
        atLeast(failures, "within 1 px", r.within1pxShare(), args.floatValue("min-within-1px", 0.9f));
        atMost(failures, "mean score difference", r.meanScoreDiff(), args.floatValue("max-mean-score-diff", 0.01f));
        atMost(failures, "max score difference", r.maxScoreDiff(), args.floatValue("max-score-diff", 1f));
        out.println(failures.isEmpty() ? "agreement: within the tolerances" : "agreement: FAILED: " + String.join("; ", failures));

        if (args.has("json")) {
            var json = r.toJson();
            json.put("ok", failures.isEmpty());
            var list = json.putArray("failures");
            failures.forEach(list::add);
            Files.writeString(Path.of(args.require("json")), ResultJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json) + "\n");
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** A share below its minimum fails; NaN (nothing compared) only when a minimum is asked for. */
    private static void atLeast(List<String> failures, String what, double value, double min) {
        if (min > 0 && !(value >= min)) failures.add(what + " " + pct(value) + " < " + pct(min));
    }

    private static void atMost(List<String> failures, String what, double value, double max) {
        if (value > max) failures.add(String.format(Locale.ROOT, "%s %.4g > %.4g", what, value, max));
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}
