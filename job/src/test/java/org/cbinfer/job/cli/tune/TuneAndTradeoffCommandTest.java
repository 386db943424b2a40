package org.cbinfer.job.cli.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.cbinfer.job.Cli;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune} and {@code tradeoff} end to end on PoseNet and real vtest.avi frames, at a tiny size so that
 * the whole greedy run takes seconds: the thresholds file names every change-based layer and is what
 * {@code infer} reads; a rerun resumes from the journal and runs nothing; the trade-off writes its CSV, table
 * and two PNG plots, and factor 0 is exactly the dense model.
 */
class TuneAndTradeoffCommandTest {
    @TempDir
    Path dir;

    private List<String> common() {
        return List.of("--model", TestData.file("models/tfjs/posenet.json").toString(),
                "--video", TestData.file("video/vtest.avi").toString(), "--frames", "100:103", "--size", "33x33", "--scale", "pm1");
    }

    private String run(List<String> args, int expectedCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, text);
        return text;
    }

    @Test
    void tunesEveryLayerResumesFromItsJournalAndTheTradeoffOfTheResultIsPlotted() throws Exception {
        Path thresholds = dir.resolve("t.json");
        List<String> tune = new ArrayList<>(List.of("tune"));
        tune.addAll(common());
        tune.addAll(List.of("--loss", "mae:heatmap", "--budget", "0.05,0.01", "--max-steps", "1", "--out", thresholds.toString()));

        String first = run(tune, 0);
        assertTrue(first.contains("ETA"), first);
        assertTrue(Files.exists(Path.of(thresholds + ".journal")));
        Thresholds tuned = Thresholds.read(thresholds);
        List<String> layers = ChangeBasedEngine.changeBasedLayers(GraphOptimizer.optimize(ModelFiles.load(TestData.file("models/tfjs/posenet.json"))));
        assertEquals(layers.size(), tuned.layers().size(), "every change-based layer gets a threshold");
        assertTrue(tuned.layers().values().stream().anyMatch(t -> t > 0), tuned.toString());

        String again = run(tune, 0);
        assertTrue(again.contains("(0 run now"), again);
        assertEquals(tuned.layers(), Thresholds.read(thresholds).layers());

        Path report = dir.resolve("tradeoff");
        List<String> tradeoff = new ArrayList<>(List.of("tradeoff"));
        tradeoff.addAll(common());
        tradeoff.addAll(List.of("--thresholds", thresholds.toString(), "--factors", "0,1,2", "--out", report.toString()));
        run(tradeoff, 0);
        List<String> csv = Files.readAllLines(report.resolve("tradeoff.csv"));
        assertEquals(4, csv.size(), String.join("\n", csv));
        String[] header = csv.get(0).split(","), atZero = csv.get(1).split(",");
        for (int i = 1; i < header.length; i++) {
            if (header[i].startsWith("keypoints") || header[i].startsWith("mae") || header[i].equals("max")) {
                assertEquals(0.0, Double.parseDouble(atZero[i]), header[i] + " at factor 0 (thresholds 0 = dense)");
            }
        }
        for (String png : List.of("tradeoff.png", "changed.png")) {
            BufferedImage image = ImageIO.read(report.resolve(png).toFile());
            assertEquals(900, image.getWidth(), png);
        }
        assertTrue(Files.readString(report.resolve("tradeoff.md")).startsWith("| factor |"));
    }

    @Test
    void aJournalOfOtherSettingsIsNotResumedButNamed() throws Exception {
        Path thresholds = dir.resolve("t.json");
        Files.writeString(Path.of(thresholds + ".journal"), "{\"cbinfer-tune-journal\":1,\"settings\":{}}\n");
        List<String> tune = new ArrayList<>(List.of("tune"));
        tune.addAll(common());
        tune.addAll(List.of("--max-steps", "1", "--out", thresholds.toString()));
        String text = run(tune, 1);
        assertTrue(text.contains("other settings") && text.contains("--fresh"), text);
    }
}
