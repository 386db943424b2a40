package org.cbinfer.job.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.operators.post.ResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare-results RUN_A RUN_B}: how far two demo runs' PoseNet results agree ({@link ResultComparison}); exits 1
 * when the agreement is below the tolerances, so that a script can check a GPU run against a CPU run.
 */
@Command(name = "compare-results", header = "How far two demo runs' PoseNet results agree (paired by camera and sequence).",
        description = {
        "How far two demo runs' PoseNet results agree: pairs the results of the runs (run directories with results.jsonl,"
                + " or the files) by camera and sequence and compares their skeletons, matched by nearest keypoints; per"
                + " keypoint the score difference and whether the position is the same (to the JSON's 0.01 px), within 1 px,"
                + " within one heatmap cell (16 px); an unmatched skeleton's keypoints count as different.",
        "Exits 1 when a tolerance fails (so that a script can check a GPU run against a CPU run)."})
public final class CompareResultsCommand implements Callable<Integer> {
    private final PrintStream out;

    @Parameters(index = "0", paramLabel = "RUN_A", description = "a run directory (with results.jsonl) or a results file")
    private Path a;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "the run to compare it with")
    private Path b;

    @Option(names = "--max-missing", paramLabel = "N", defaultValue = "0",
            description = "results found in one run only (default: ${DEFAULT-VALUE})")
    private long maxMissing;

    @Option(names = "--min-same-position", paramLabel = "F", defaultValue = "0.9",
            description = "share of keypoints at the same position (default: ${DEFAULT-VALUE})")
    private float minSamePosition;

    @Option(names = "--min-within-1px", paramLabel = "F", defaultValue = "0.9",
            description = "share of keypoints within 1 px (default: ${DEFAULT-VALUE})")
    private float minWithin1px;

    @Option(names = "--max-mean-score-diff", paramLabel = "D", defaultValue = "0.01",
            description = "mean absolute keypoint score difference (default: ${DEFAULT-VALUE})")
    private float maxMeanScoreDiff;

    @Option(names = "--max-score-diff", paramLabel = "D", defaultValue = "1",
            description = "largest absolute keypoint score difference (default: ${DEFAULT-VALUE}: unchecked)")
    private float maxScoreDiff;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures and the verdict as JSON (default: not written)")
    private Path jsonFile;

    public CompareResultsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        for (Path p : List.of(a, b)) {
            if (!Files.exists(p)) throw new UsageException("no such run: " + p);
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
        if (r.missing() > maxMissing) failures.add(r.missing() + " results in one run only > " + maxMissing);
        if (r.pairs() == 0) failures.add("no result in both runs");
        atLeast(failures, "same position", r.samePositionShare(), minSamePosition);
        atLeast(failures, "within 1 px", r.within1pxShare(), minWithin1px);
        atMost(failures, "mean score difference", r.meanScoreDiff(), maxMeanScoreDiff);
        atMost(failures, "max score difference", r.maxScoreDiff(), maxScoreDiff);
        out.println(failures.isEmpty() ? "agreement: within the tolerances" : "agreement: FAILED: " + String.join("; ", failures));

        if (jsonFile != null) {
            var json = r.toJson();
            json.put("ok", failures.isEmpty());
            var list = json.putArray("failures");
            failures.forEach(list::add);
            Files.writeString(jsonFile, ResultJson.MAPPER.writerWithDefaultPrettyPrinter()
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
