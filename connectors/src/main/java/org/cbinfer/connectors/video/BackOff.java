package org.cbinfer.connectors.video;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * Exponential back-off between reconnection attempts: {@code initial}, then doubling up to {@code max};
 * {@link #reset()} after a success starts over. {@code maxAttempts} consecutive failures (0: no limit)
 * exhaust it. Not thread-safe; one per connection.
 */
@Internal
public final class BackOff {
    private final Duration initial;
    private final Duration max;
    private final int maxAttempts;
    private int failures;

    public BackOff(Duration initial, Duration max, int maxAttempts) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial back-off must be positive, got " + initial);
        if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max back-off " + max + " is below the initial " + initial);
        if (maxAttempts < 0) throw new IllegalArgumentException("maxAttempts must be >= 0, got " + maxAttempts);
        this.maxAttempts = maxAttempts;
    }

    /** 0.5 s doubling to 30 s, never giving up: a camera that is down comes back some time. */
    public static BackOff forCameras() {
        return new BackOff(Duration.ofMillis(500), Duration.ofSeconds(30), 0);
    }

    /** Records a failure; returns how long to wait before the next attempt (check {@link #exhausted()} first). */
    public Duration failed() {
        failures++;
        int doublings = Math.min(failures - 1, 30);
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** True once more than {@code maxAttempts} consecutive failures happened: give up. */
    public boolean exhausted() {
        return maxAttempts > 0 && failures > maxAttempts;
    }

    /** Consecutive failures since the last success. */
    public int failures() {
        return failures;
    }

    /** A success: the next failure waits {@code initial} again. */
    public void reset() {
        failures = 0;
    }
}
