package org.cbinfer.job;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import org.cbinfer.job.cli.BenchCommand;
import org.cbinfer.job.cli.EngineDemoCommand;
import org.cbinfer.job.cli.InferCommand;
import org.cbinfer.job.cli.InspectCommand;
import org.cbinfer.job.cli.OptionTypes;
import org.cbinfer.job.cli.ProduceCommand;
import org.cbinfer.job.cli.TradeoffCommand;
import org.cbinfer.job.cli.TuneCommand;
import org.cbinfer.job.cluster.ClusterCommand;
import org.cbinfer.job.cluster.SubmitCommand;
import org.cbinfer.job.demo.CompareResultsCommand;
import org.cbinfer.job.demo.DemoCommand;
import org.cbinfer.job.stream.JobCommand;
import org.cbinfer.job.view.ViewCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point of {@code bin/cbinfer}: the top-level command, whose subcommands are the project's commands. picocli
 * reads every command line from the commands' annotated options and writes their help from the same annotations, so
 * that help and parsing cannot drift apart; this class wires the commands to the output streams, and {@link CliErrors}
 * turns what goes wrong into one line and an exit code.
 */
@Command(name = "cbinfer", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        synopsisSubcommandLabel = "COMMAND",
        header = "CBinfer: change-based CNN inference for many live cameras, on Apache Flink.",
        description = "The engine alone: inspect, infer, engine-demo, bench, tune, tradeoff. The streaming job: demo (all in"
                + " this process), job, cluster and submit; produce feeds it cameras, view and compare-results show its results.",
        footer = {"%nRun 'bin/cbinfer COMMAND --help' for a command's options and their defaults.",
                "'bin/cbinfer fetch-data' fetches the sample data (bin/fetch-data; the launcher runs it without Java)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the command failed: 'error: <why>' ('model error: <why>' for a model that cannot be run) on stderr;"
                        + " compare-results: the runs disagree beyond the tolerances",
                "2:wrong command line ('error: <why>' and the command's usage), or a job configuration or model that the"
                        + " job cannot use ('error: <why>')"})
public final class Cli {
    private Cli() {}

    public static void main(String[] argv) {
        CliLogging.install();
        System.exit(run(Arrays.asList(argv), System.out, System.err));
    }

    /**
     * Runs a command line (without the program name); returns the process's exit code: 0 ok, 1 the command failed,
     * 2 a wrong command line or an unusable job configuration.
     */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out, err);
        try {
            return cli.execute(DemoCommand.engineOnlyAsEngineDemo(argv).toArray(String[]::new));
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** Every command, printing to {@code out}; help and version to {@code out}, errors to {@code err}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Cli());
        for (Object command : List.of(new BenchCommand(out), new DemoCommand(out), new EngineDemoCommand(out),
                new InferCommand(out), new InspectCommand(out), new JobCommand(out), new ProduceCommand(out),
                new TuneCommand(out), new TradeoffCommand(out), new CompareResultsCommand(out), new ClusterCommand(out),
                new SubmitCommand(out), new ViewCommand(out), new HelpCommand())) {
            cli.addSubcommand(command);
        }
        standardOptions(cli);
        CliErrors errors = new CliErrors(err);
        // the settings below reach every subcommand added so far
        return OptionTypes.register(cli)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                // '@file' is a plain value ('--video @cam' stays a name), as it always was
                .setExpandAtFiles(false)
                // the last of a repeated option wins, as it always did: scripts append overrides to their defaults
                .setOverwrittenOptionsAllowed(true)
                .setUsageHelpAutoWidth(true)
                .setParameterExceptionHandler(errors::wrongCommandLine)
                .setExecutionExceptionHandler(errors::failed);
    }

    /** --help and --version on every command; every help laid out alike, options in the order they are declared. */
    private static void standardOptions(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        if (!spec.helpCommand()) {
            spec.mixinStandardHelpOptions(true);
            spec.versionProvider(new CliVersion());
            spec.usageMessage().sortOptions(false).synopsisHeading("%nUsage: ").descriptionHeading("%n")
                    .parameterListHeading("%nParameters:%n").optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
        }
        command.getSubcommands().values().forEach(Cli::standardOptions);
    }
}
