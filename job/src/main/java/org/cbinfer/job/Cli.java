package org.cbinfer.job;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.cbinfer.job.cli.Args;
import org.cbinfer.job.cli.BenchCommand;
import org.cbinfer.job.cli.EngineDemoCommand;
import org.cbinfer.job.cli.InferCommand;
import org.cbinfer.job.cli.InspectCommand;
import org.cbinfer.job.cli.ProduceCommand;
import org.cbinfer.job.cli.TradeoffCommand;
import org.cbinfer.job.cli.TuneCommand;
import org.cbinfer.job.cluster.ClusterCommand;
import org.cbinfer.job.cluster.SubmitCommand;
import org.cbinfer.job.demo.CompareResultsCommand;
import org.cbinfer.job.demo.DemoCommand;
import org.cbinfer.job.stream.StreamingJob;
import org.cbinfer.job.view.ViewCommand;
import org.cbinfer.kernels.graph.ModelException;

/** Entry point of {@code bin/cbinfer}: dispatches to the commands. */
public final class Cli {
    private static final String USAGE = String.join("\n",
            "usage: bin/cbinfer <command> [options]",
            "commands:",
            "  bench     time a backend dense and change-based with many cameras; export for the PyTorch peer",
            "  demo      embedded: Kafka + Flink (dashboard :8081) in process, cameras replaying the sample video",
            "            through the streaming job with PoseNet, per-camera progress and a summary",
            "  engine-demo  the engine alone on the sample video: change-based PoseNet vs dense, live figures",
            "  infer     run a model over video or raw frames, write outputs, manifest.json, stats.json",
            "  inspect   print a model's layer table (op, shapes, weights, MACs)",
            "  job       the streaming job: Kafka frames -> change-based inference -> Kafka results",
            "  produce   replay videos as cameras to a Kafka topic (the frames the job reads)",
            "  tune      tune per-layer thresholds on video frames against the dense model (no labels needed)",
            "  tradeoff  error vs speed-up of thresholds scaled by 0..2: CSV and PNG plots",
            "  compare-results  how far two demo runs' PoseNet results agree (pairs by camera and sequence)",
            "  cluster   start|stop|status a local Flink session cluster + Kafka broker; stop-job with a savepoint",
            "  submit    submit the job jar to a Flink cluster (REST), optionally from a savepoint",
            "  view      live view (web page): each camera's latest frame with skeletons and figures, from Kafka",
            "run 'bin/cbinfer <command> --help' for a command's options");

    private Cli() {}

    public static void main(String[] argv) {
        CliLogging.install();
        System.exit(run(Arrays.asList(argv), System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 wrong command line). */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("help")) {
            out.println(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        if (command.equals("demo") && rest.contains("--engine-only")) {
            command = "engine-demo";
            rest = rest.stream().filter(a -> !a.equals("--engine-only")).toList();
        }
        String usage = switch (command) {
            case "bench" -> BenchCommand.USAGE;
            case "demo" -> DemoCommand.USAGE;
            case "engine-demo" -> EngineDemoCommand.USAGE;
            case "infer" -> InferCommand.USAGE;
            case "inspect" -> InspectCommand.USAGE;
            case "job" -> StreamingJob.USAGE;
            case "produce" -> ProduceCommand.USAGE;
            case "tune" -> TuneCommand.USAGE;
            case "tradeoff" -> TradeoffCommand.USAGE;
            case "cluster" -> ClusterCommand.USAGE;
            case "compare-results" -> CompareResultsCommand.USAGE;
            case "submit" -> SubmitCommand.USAGE;
            case "view" -> ViewCommand.USAGE;
            default -> null;
        };
        if (usage == null) {
            err.println("unknown command '" + command + "'\n" + USAGE);
            return 2;
        }
        if (rest.contains("--help")) {
            out.println("usage: bin/cbinfer " + usage);
            return 0;
        }
        try {
            return switch (command) {
                case "bench" -> BenchCommand.run(rest, out);
                case "demo" -> DemoCommand.run(rest, out);
                case "engine-demo" -> EngineDemoCommand.run(rest, out);
                case "infer" -> InferCommand.run(rest, out);
                case "produce" -> ProduceCommand.run(rest, out);
                case "cluster" -> ClusterCommand.run(rest, out);
                case "compare-results" -> CompareResultsCommand.run(rest, out);
                case "submit" -> SubmitCommand.run(rest, out);
                case "view" -> ViewCommand.run(rest, out);
                case "job" -> StreamingJob.run(rest, out);
                case "tune" -> TuneCommand.run(rest, out);
                case "tradeoff" -> TradeoffCommand.run(rest, out);
                default -> InspectCommand.run(rest, out);
            };
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage() + "\nusage: bin/cbinfer " + usage);
            return 2;
        } catch (ModelException e) {
            err.println("model error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("error: " + e);
            return 1;
        }
    }
}
