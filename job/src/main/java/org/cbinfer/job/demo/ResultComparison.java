package org.cbinfer.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.operators.post.Keypoint;
import org.cbinfer.operators.post.Person;
import org.cbinfer.operators.post.PoseDecoderConfig;
import org.cbinfer.operators.post.ResultJson;

/**
 * How far the PoseNet results of two runs agree (e.g. the CUDA backend against the CPU one): results are paired by
 * (camera, sequence); within a pair, the skeletons are matched greedily by the smallest mean keypoint distance, and
 * each keypoint of matched skeletons compared: score difference, same position (equal to the JSON's 0.01 px), within
 * 1 px (both axes), within one heatmap cell ({@link PoseDecoderConfig#outputStride()} px). A skeleton without a
 * partner counts as {@link #KEYPOINTS} keypoints that disagree in every position share. A result that occurs more than
 * once in a run (at-least-once delivery after a restart) is compared by its last copy and counted in duplicates.
 */
public final class ResultComparison {
    /** Keypoints per PoseNet skeleton. */
    static final int KEYPOINTS = 17;

    /** The figures; shares are in 0..1 (NaN when nothing was compared). */
    public record Report(long resultsA, long resultsB, long duplicatesA, long duplicatesB, long pairs, long onlyInA,
                         long onlyInB, long pairsWithoutSkeletons, long pairsSamePersonCount, long personsMatched,
                         long personsUnmatched, long keypoints, double samePositionShare, double within1pxShare,
                         double withinCellShare, double maxScoreDiff, double meanScoreDiff, double maxPersonScoreDiff) {

        public long missing() {
            return onlyInA + onlyInB;
        }

        public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("resultsA", resultsA);
            o.put("resultsB", resultsB);
            o.put("duplicatesA", duplicatesA);
            o.put("duplicatesB", duplicatesB);
            o.put("pairs", pairs);
            o.put("onlyInA", onlyInA);
            o.put("onlyInB", onlyInB);
            o.put("pairsWithoutSkeletons", pairsWithoutSkeletons);
            o.put("pairsSamePersonCount", pairsSamePersonCount);
            o.put("personsMatched", personsMatched);
            o.put("personsUnmatched", personsUnmatched);
            o.put("keypoints", keypoints);
            o.put("samePositionShare", samePositionShare);
            o.put("within1pxShare", within1pxShare);
            o.put("withinCellShare", withinCellShare);
            o.put("maxScoreDiff", maxScoreDiff);
            o.put("meanScoreDiff", meanScoreDiff);
            o.put("maxPersonScoreDiff", maxPersonScoreDiff);
            return o;
        }
    }

    private record Key(String camera, long sequence) {}

    private ResultComparison() {}

    /** Compares the {@code results.jsonl} of two runs (a run directory or the file itself). */
    public static Report compare(Path runA, Path runB) throws IOException {
        long[] dupA = new long[1], dupB = new long[1];
        Map<Key, JsonNode> a = read(resultsFile(runA), dupA);
        Map<Key, JsonNode> b = read(resultsFile(runB), dupB);
        int cell = PoseDecoderConfig.defaults().outputStride();
        long pairs = 0, onlyA = 0, noSkeletons = 0, samePersons = 0, matched = 0, unmatched = 0;
        long keypoints = 0, samePosition = 0, within1 = 0, withinCell = 0, scored = 0;
        double maxScore = 0, sumScore = 0, maxPersonScore = 0;
        for (Map.Entry<Key, JsonNode> e : a.entrySet()) {
            JsonNode other = b.get(e.getKey());
            if (other == null) {
                onlyA++;
                continue;
            }
            pairs++;
            JsonNode sa = e.getValue().get("skeletons"), sb = other.get("skeletons");
            if (sa == null || sb == null) {
                noSkeletons++;
                continue;
            }
            List<Person> pa = new ArrayList<>(ResultJson.parseSkeletons(sa)), pb = new ArrayList<>(ResultJson.parseSkeletons(sb));
            if (pa.size() == pb.size()) samePersons++;
            while (!pa.isEmpty() && !pb.isEmpty()) {
                int bi = 0, bj = 0;
                double best = Double.POSITIVE_INFINITY;
                for (int i = 0; i < pa.size(); i++) {
                    for (int j = 0; j < pb.size(); j++) {
                        double d = meanDistance(pa.get(i), pb.get(j));
                        if (d < best) {
                            best = d;
                            bi = i;
                            bj = j;
                        }
                    }
                }
                Person x = pa.remove(bi), y = pb.remove(bj);
                matched++;
                maxPersonScore = Math.max(maxPersonScore, Math.abs(x.score() - y.score()));
                for (int k = 0; k < KEYPOINTS; k++) {
                    Keypoint p = x.keypoints().get(k), q = y.keypoints().get(k);
                    double dx = Math.abs(p.x() - q.x()), dy = Math.abs(p.y() - q.y()), ds = Math.abs(p.score() - q.score());
                    keypoints++;
                    if (dx == 0 && dy == 0) samePosition++;
                    if (dx <= 1 && dy <= 1) within1++;
                    if (dx <= cell && dy <= cell) withinCell++;
                    scored++;
                    sumScore += ds;
                    maxScore = Math.max(maxScore, ds);
                }
            }
            unmatched += pa.size() + pb.size();
            keypoints += (long) KEYPOINTS * (pa.size() + pb.size());
        }
        long onlyB = b.keySet().stream().filter(k -> !a.containsKey(k)).count();
        return new Report(a.size(), b.size(), dupA[0], dupB[0], pairs, onlyA, onlyB, noSkeletons, samePersons, matched,
                unmatched, keypoints, share(samePosition, keypoints), share(within1, keypoints), share(withinCell, keypoints),
                scored == 0 ? Double.NaN : maxScore, scored == 0 ? Double.NaN : sumScore / scored,
                matched == 0 ? Double.NaN : maxPersonScore);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? Double.NaN : part / (double) whole;
    }

    private static double meanDistance(Person a, Person b) {
        double sum = 0;
        for (int k = 0; k < KEYPOINTS; k++) {
            Keypoint p = a.keypoints().get(k), q = b.keypoints().get(k);
            sum += Math.hypot(p.x() - q.x(), p.y() - q.y());
        }
        return sum / KEYPOINTS;
    }

    static Path resultsFile(Path run) throws IOException {
        Path f = Files.isDirectory(run) ? run.resolve("results.jsonl") : run;
        if (!Files.isRegularFile(f)) throw new IOException("no results file " + f);
        return f;
    }

    private static Map<Key, JsonNode> read(Path file, long[] duplicates) throws IOException {
        Map<Key, JsonNode> results = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int line = 0;
            for (String text; (text = r.readLine()) != null; ) {
                line++;
                if (text.isBlank()) continue;
                JsonNode n;
                try {
                    n = ResultJson.MAPPER.readTree(text);
                } catch (IOException e) {
                    throw new IOException(file + " line " + line + ": not JSON (" + e.getMessage() + ")", e);
                }
                if (!n.path("camera").isTextual() || !n.path("sequence").canConvertToLong()) {
                    throw new IOException(file + " line " + line + ": a result without camera and sequence");
                }
                if (results.put(new Key(n.get("camera").asText(), n.get("sequence").asLong()), n) != null) duplicates[0]++;
            }
        }
        return results;
    }
}
