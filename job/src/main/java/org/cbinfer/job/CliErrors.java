package org.cbinfer.job;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.kernels.graph.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How {@code bin/cbinfer} reports what went wrong: a line a user can act on, on stderr, and the exit code the
 * top-level help lists. A wrong command line gets the command's usage too; a failure gets the exception's message,
 * never its class name (the message is written for the user; the class name is noise to them).
 */
final class CliErrors {
    private final PrintStream err;

    CliErrors(PrintStream err) {
        this.err = err;
    }

    /** picocli could not parse the command line (unknown option, missing value, bad number...). */
    int wrongCommandLine(ParameterException e, String[] args) {
        List<String> unknown = e.getCommandLine().getUnmatchedArguments();
        if (e instanceof MissingParameterException && !unknown.isEmpty()) {
            // picocli checks required options before unknown ones; a misspelt option explains a missing one, so it goes first
            e = new UnmatchedArgumentException(e.getCommandLine(), unknown);
        }
        // picocli starts some messages (argument groups') with "Error: " of its own
        String message = e.getMessage().replaceFirst("^Error: ", "");
        if (e instanceof UnmatchedArgumentException u && !u.getCommandLine().getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return usageError(message, e.getCommandLine(), e);
    }

    /** The command threw. */
    int failed(Exception e, CommandLine command, ParseResult parsed) {
        if (e instanceof UsageException) return usageError(e.getMessage(), command, null);
        if (e instanceof JobConfig.ConfigException) {
            err.println("error: " + e.getMessage());
            return ExitCode.USAGE;
        }
        ModelException model = cause(e, ModelException.class);
        if (model != null) {
            err.println("model error: " + describe(model));
        } else {
            err.println("error: " + describe(e));
        }
        return ExitCode.SOFTWARE;
    }

    private int usageError(String message, CommandLine command, ParameterException e) {
        err.println("error: " + message);
        if (e != null) UnmatchedArgumentException.printSuggestions(e, err);
        command.usage(err);
        return ExitCode.USAGE;
    }

    /**
     * What went wrong, in words: the exception's message, with the root cause's when a wrapper's message does not
     * already say it (Flink wraps a task's failure in "Job execution failed."); file system errors, whose message is
     * only the path, say what happened to it; an exception without any message is described by its kind and where it
     * was thrown.
     */
    static String describe(Throwable t) {
        String message = message(t);
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (message == null) {
            message = message(root);
            if (message == null) return "unexpected " + words(root) + where(root);
        } else if (root != t) {
            String rootMessage = message(root);
            if (rootMessage != null && !message.contains(rootMessage)) message = message.replaceFirst("\\.$", "") + ": " + rootMessage;
        }
        return message;
    }

    private static String message(Throwable t) {
        if (t instanceof UncheckedIOException && t.getCause() != null) return message(t.getCause());
        if (t instanceof NoSuchFileException f) return "no such file or directory: " + f.getFile();
        if (t instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (t instanceof FileAlreadyExistsException f) return "already exists: " + f.getFile();
        if (t instanceof NotDirectoryException f) return "not a directory: " + f.getFile();
        String m = t.getMessage();
        // new RuntimeException(cause) says cause.toString(): the class name, and only what the cause says itself
        if (m == null || m.isBlank() || (t.getCause() != null && m.equals(t.getCause().toString()))) return null;
        return m.strip();
    }

    /** {@code ConcurrentModificationException} -> "concurrent modification". */
    private static String words(Throwable t) {
        String name = t.getClass().getSimpleName().replaceFirst("(Exception|Error)$", "");
        return name.isEmpty() ? "failure" : name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    /** The first frame of the project's code (else the first at all) where {@code t} was thrown. */
    private static String where(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        for (StackTraceElement f : trace) {
            if (f.getClassName().startsWith("org.cbinfer.")) return " at " + f;
        }
        return trace.length > 0 ? " at " + trace[0] : "";
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }
}
