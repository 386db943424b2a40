package org.cbinfer.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackOffTest {
    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        BackOff b = BackOff.forCameras();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 9; i++) waits.add(b.failed().toMillis());
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), waits);
        assertFalse(b.exhausted(), "a camera is retried forever");
    }

    @Test
    void aSuccessStartsOver() {
        BackOff b = new BackOff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        b.failed();
        b.failed();
        b.reset();
        assertEquals(0, b.failures());
        assertEquals(Duration.ofMillis(100), b.failed());
    }

    @Test
    void givesUpAfterMaxAttemptsConsecutiveFailures() {
        BackOff b = new BackOff(Duration.ofMillis(10), Duration.ofMillis(20), 2);
        b.failed();
        b.failed();
        assertFalse(b.exhausted());
        b.failed();
        assertTrue(b.exhausted());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new BackOff(Duration.ZERO, Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new BackOff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new BackOff(Duration.ofSeconds(1), Duration.ofSeconds(1), -1));
    }
}
