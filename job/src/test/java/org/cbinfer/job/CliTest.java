package org.cbinfer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cbinfer.job.demo.DemoCommand;
import org.cbinfer.job.stream.JobArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code bin/cbinfer}'s command line as a user meets it: every command's help, the version, the exit codes and
 * error lines of a wrong command line and of a failing command, and the command lines the README, the scripts and
 * docker-compose.yml use. Nothing here runs a model or a broker.
 */
class CliTest {
    private static final List<String> COMMANDS = List.of("bench", "demo", "engine-demo", "infer", "inspect", "job", "produce",
            "tune", "tradeoff", "compare-results", "cluster", "submit", "view");

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Cli.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static CommandLine commands() {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        return Cli.commandLine(none, none);
    }

    @Test
    void theTopLevelHelpListsEveryCommandAndTheExitCodes() {
        for (String[] help : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
            Result r = run(help);
            assertEquals(0, r.code, r.err);
            for (String c : COMMANDS) assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(c) + " ").matcher(r.out).find(), c + " in\n" + r.out);
            assertTrue(r.out.contains("Exit codes:"), r.out);
            for (String code : List.of("0", "1", "2")) assertTrue(Pattern.compile("(?m)^  " + code + "   \\S").matcher(r.out).find(), code + " in\n" + r.out);
        }
    }

    @Test
    void everyCommandsHelpExits0AndListsEachOfItsOptionsWithItsDefault() {
        List<List<String>> checked = new ArrayList<>();
        checkHelp(commands(), List.of(), checked);
        // every command, and cluster's actions
        assertEquals(COMMANDS.size() + 4, checked.size(), checked.toString());
    }

    private static void checkHelp(CommandLine command, List<String> path, List<List<String>> checked) {
        if (command.getCommandSpec().helpCommand()) return;
        if (!path.isEmpty()) {
            List<String> argv = new ArrayList<>(path);
            argv.add("--help");
            Result r = run(argv.toArray(String[]::new));
            assertEquals(0, r.code, argv + ": " + r.err);
            assertTrue(r.out.contains("Usage: cbinfer " + String.join(" ", path)), r.out);
            for (OptionSpec o : command.getCommandSpec().options()) {
                assertTrue(r.out.contains(o.longestName()), path + " --help lists " + o.longestName() + ":\n" + r.out);
                boolean flag = o.arity().max() == 0;
                if (!flag && !o.required()) {
                    ArgGroupSpec group = o.group();
                    String said = String.join(" ", o.description()) + (group == null ? "" : " " + group.heading());
                    boolean oneRequired = group != null && group.multiplicity().min() > 0;
                    // an option needed in some uses ("required with --raw", "required unless --raw") has no default to state
                    assertTrue(said.contains("default") || said.contains("required") || oneRequired,
                            path + " " + o.longestName() + " says its default: " + said);
                }
            }
            for (PositionalParamSpec p : command.getCommandSpec().positionalParameters()) {
                assertTrue(r.out.contains(p.paramLabel()), path + " --help lists " + p.paramLabel());
            }
            checked.add(path);
        }
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getKey());
            checkHelp(sub.getValue(), subPath, checked);
        }
    }

    @Test
    void versionIsTheProjectsVersion() throws IOException {
        // the module's pom names the project's version in its <parent>
        Matcher m = Pattern.compile("(?s)<parent>.*?<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "job/pom.xml has a parent version");
        for (String[] version : new String[][] {{"--version"}, {"-V"}, {"bench", "--version"}}) {
            Result r = run(version);
            assertEquals(0, r.code, r.err);
            assertTrue(r.out.startsWith("cbinfer " + m.group(1) + "\n"), r.out);
            assertTrue(r.out.contains("Flink 2.") && r.out.contains("Kafka clients ") && !r.out.contains("${"), r.out);
        }
    }

    @Test
    void aWrongCommandLineExits2WithAnErrorLineAndTheUsage() {
        Result unknown = run("inspect", "--model", "m.json", "--colour", "red");
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.startsWith("error: ") && unknown.err.contains("--colour"), unknown.err);
        assertTrue(unknown.err.contains("Usage: cbinfer inspect"), unknown.err);
        assertEquals("", unknown.out);

        Result misspelt = run("infer", "--modle", "m.json");
        assertEquals(2, misspelt.code);
        assertTrue(misspelt.err.startsWith("error: Unknown options: '--modle'"), "the unknown option, not the missing ones: " + misspelt.err);

        Result badValue = run("inspect", "--model", "m.json", "--size", "385");
        assertEquals(2, badValue.code);
        assertTrue(badValue.err.startsWith("error: Invalid value for option '--size': expected WIDTHxHEIGHT"), badValue.err);

        Result command = run("bogus");
        assertEquals(2, command.code);
        assertTrue(command.err.startsWith("error: unknown command 'bogus'"), command.err);

        for (String[] argv : new String[][] {{}, {"cluster"}, {"cluster", "restart"}}) {
            Result r = run(argv);
            assertEquals(2, r.code, List.of(argv) + ": " + r.err);
            assertTrue(r.err.startsWith("error: ") && r.err.contains("Usage: cbinfer"), r.err);
        }

        Result exclusive = run("demo", "--threshold", "0.1", "--thresholds", "t.json");
        assertEquals(2, exclusive.code);
        assertTrue(exclusive.err.startsWith("error: --threshold=T, --thresholds=FILE are mutually exclusive"), exclusive.err);
    }

    @Test
    void aFailingCommandExits1WithTheMessageAndNoExceptionClass() {
        Result r = run("inspect", "--model", "no/such/file.json");
        assertEquals(1, r.code, r.err);
        assertEquals("error: model file not found: no/such/file.json", r.err.strip());
        assertFalse(r.err.contains("java.io.") || r.err.contains("Exception:") || r.err.contains("Usage:"), r.err);
    }

    @Test
    void aModelThatCannotBeRunIsAModelError() throws IOException {
        Path notAModel = Files.writeString(tmp.resolve("model.txt"), "not a model");
        Result r = run("inspect", "--model", notAModel.toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.startsWith("model error: " + notAModel + ": unknown model format"), r.err);
    }

    @Test
    void failuresAreDescribedInWords() {
        assertEquals("no such file or directory: runs/a/results.jsonl", CliErrors.describe(new NoSuchFileException("runs/a/results.jsonl")));
        assertEquals("Job execution failed: disk full",
                CliErrors.describe(new RuntimeException("Job execution failed.", new IOException("disk full"))));
        assertEquals("disk full", CliErrors.describe(new RuntimeException(new IOException("disk full"))));
        String npe = CliErrors.describe(new NullPointerException());
        assertTrue(npe.startsWith("unexpected null pointer at org.cbinfer.job.CliTest."), npe);
    }

    @Test
    void demoEngineOnlyIsTheEngineDemo() {
        assertEquals(List.of("engine-demo", "--frames", "21", "--check-every", "5"),
                DemoCommand.engineOnlyAsEngineDemo(List.of("demo", "--frames", "21", "--engine-only", "--check-every", "5")));
        // engine-demo's own check, before any model is loaded: the command line reached engine-demo
        Result r = run("demo", "--engine-only", "--frames", "1", "--model", "m.json", "--video", "v.avi");
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.startsWith("error: the demo needs at least 2 frames") && r.err.contains("Usage: cbinfer engine-demo"), r.err);
    }

    /** Command lines from README.md, docs/, bench/*.sh and docker-compose.yml: every option name they use still parses. */
    @Test
    void theCommandLinesTheProjectDocumentsAndRunsParse() {
        String[] lines = {
            "demo --cameras 4 --frames 100 --size 257x193 --threshold 0.03 --port 8081 --fps 10 --progress 2 --out runs/x",
            "demo --raw f.rgb --width 385 --height 385 --cameras 8 --frames 60 --fps 10 --port 0 --progress 5"
                    + " --thresholds conf/thresholds/posenet-vtest-385x385.json --out runs/cpu --backend cuda --precision tf32"
                    + " --parallelism 1 --devices 0 --batch-max-size 8 --batch-max-wait-ms 20",
            "demo --engine-only --frames 21 --check-every 5",
            "engine-demo --frames 21 --start 100 --size 385x385 --threshold 0.03 --model m.json --video v.avi --check-every 5",
            "inspect --model model.json --size 385x385",
            "infer --model posenet.json --video cam.mp4 --frames 0:100 --resize 385x385 --scale pm1 --mode cb --threshold 0.02 --out /tmp/run",
            "infer --model selfie.json --raw frames.rgb --width 256 --height 256 --scale unit --mode dense --out /tmp/dense",
            "produce --bootstrap localhost:9092 --topic frames --create-topic 4 --video vtest.avi --cameras 4 --start-offset spread"
                    + " --fps 10 --loop --encoding jpeg --quality 90",
            "produce --bootstrap kafka:19092 --topic frames --video /cbinfer/data/video/vtest.avi --cameras 4 --start-offset spread"
                    + " --fps 10 --loop --resize 385x289 --progress 10 --property linger.ms=20",
            "job --config conf/job.yaml --set kafka.bootstrap=broker:9092 --set thresholds.default=0.03",
            "cluster start", "cluster start --free-ports --dir /tmp/c --partitions 3 --config conf/job.yaml",
            "cluster status", "cluster stop-job", "cluster stop-job --job abc --savepoint-dir /tmp/s", "cluster stop",
            "submit --config conf/job.yaml", "submit --config conf/job.yaml --from-savepoint file:/x/savepoints/savepoint-1 --wait 0",
            "submit --config conf/job.yaml --rest http://127.0.0.1:8081 --set kafka.bootstrap=127.0.0.1:9092 --jar j.jar",
            "view", "view --bootstrap kafka:19092 --results results --frames frames --bind 0.0.0.0 --port 8090 --from-beginning",
            "compare-results runs/cpu runs/cuda --min-same-position 0.95 --max-mean-score-diff 0.005",
            "compare-results a b --json b/compare-a.json --min-same-position 0 --min-within-1px 0.99 --max-mean-score-diff 0.005"
                    + " --max-missing 0 --max-score-diff 0",
            "bench --model posenet.json --size 385x385 --scale pm1 --backend cuda --precision tf32 --mode cb --threshold 0.01"
                    + " --cameras 1 --fallback none,measure --fallback-out conf/fallback-posenet.json",
            "bench --model m --size 385x385 --scale pm1 --video f.rgb --frames 0:400 --backend cuda --precision fp16"
                    + " --mode dense --batch 8 --iters 6 --warmup 0",
            "bench --model scenelabel --frames 0:60 --backend auto --device 0 --mode dense,cb --threshold 0,0.05 --cameras 1,8,32"
                    + " --spread 4 --batch 1,8 --check-every 100 --probe-every 16 --out o.json --power p.png --export d",
            "tune --model posenet.json --video cam.mp4 --frames 100:108 --size 385x385 --scale pm1 --loss mae:heatmap"
                    + " --budget 0.05,0.002 --th0 0.01 --growth 1.2 --max-steps 12 --start 0 --fresh --out thresholds.json",
            "tradeoff --model posenet.json --video cam.mp4 --frames 300:340 --size 385x385 --scale pm1"
                    + " --thresholds thresholds.json --factors 0:2:0.2 --loss mae;max --out report/",
        };
        for (String line : lines) {
            List<String> argv = DemoCommand.engineOnlyAsEngineDemo(List.of(line.split(" ")));
            commands().parseArgs(argv.toArray(String[]::new)); // throws on a wrong command line
        }
    }

    @Test
    void theFlinkEntryPointTakesTheConfigAndRepeatedOverrides() {
        // what docker/submit.sh passes to 'flink run' (CBINFER_JOB_ARGS) and SubmitCommand to the REST API
        JobArguments a = JobArguments.parse("--config", "/cbinfer/conf/job.yaml", "--set", "kafka.bootstrap=kafka:19092",
                "--set=model.path=/cbinfer/data/models/tfjs/posenet.json");
        assertEquals(Path.of("/cbinfer/conf/job.yaml"), a.config());
        assertEquals(List.of("kafka.bootstrap=kafka:19092", "model.path=/cbinfer/data/models/tfjs/posenet.json"), a.overrides());
    }
}
