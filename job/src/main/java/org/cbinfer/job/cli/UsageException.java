package org.cbinfer.job.cli;

/**
 * A command line that parsed but asks for something impossible: options that exclude each other, a value out of
 * range, a model that does not take the given size. Thrown from wherever that is found out (often deep in a
 * command, after the model is loaded), so that {@code Cli} can answer it like a parse error: the message, the
 * command's usage, exit code 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
