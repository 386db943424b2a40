package org.cbinfer.connectors.frame;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A frame could not be decoded or encoded. {@link #problem()} says what kind of wrong it is, the
 * message says what exactly (values included).
 */
@PublicEvolving
public class FrameException extends Exception {
    private final FrameProblem problem;

    public FrameException(FrameProblem problem, String message) {
        this(problem, message, null);
    }

    public FrameException(FrameProblem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public FrameProblem problem() {
        return problem;
    }

    /** The bare message, without the problem code. */
    public String detail() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return problem + ": " + super.getMessage();
    }
}
