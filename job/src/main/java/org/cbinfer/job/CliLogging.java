package org.cbinfer.job;

import java.nio.file.Path;

/**
 * Where {@code bin/cbinfer} logs. Flink, Kafka and their libraries log through SLF4J to log4j 2, configured by
 * {@code cbinfer-cli-log4j2.properties}: into one file, never onto the console, whose lines are the commands'
 * own output. The file is {@code cbinfer.log} in the working directory unless a command with a run directory
 * calls {@link #logTo} first (the embedded demo: {@code <run dir>/cbinfer.log}). A user's own
 * {@code -Dlog4j2.configurationFile} wins over all of this.
 */
public final class CliLogging {
    static final String CONFIG_PROPERTY = "log4j2.configurationFile";
    static final String FILE_PROPERTY = "cbinfer.log.file";

    private CliLogging() {}

    /** Selects the CLI's log4j configuration; call before anything logs. */
    static void install() {
        if (System.getProperty(CONFIG_PROPERTY) == null) System.setProperty(CONFIG_PROPERTY, "cbinfer-cli-log4j2.properties");
        // log4j's own complaints (e.g. about a library's message format) would otherwise reach the console
        if (System.getProperty("log4j2.statusLoggerLevel") == null) System.setProperty("log4j2.statusLoggerLevel", "OFF");
    }

    /**
     * Sends the log to {@code file}. Effective only before log4j initialises, that is before the first Flink or
     * Kafka class is used: commands call it right after reading their arguments.
     */
    public static void logTo(Path file) {
        System.setProperty(FILE_PROPERTY, file.toAbsolutePath().toString());
    }

    /** The file the log goes to. */
    public static Path file() {
        String f = System.getProperty(FILE_PROPERTY);
        return Path.of(f != null ? f : "cbinfer.log").toAbsolutePath();
    }
}
