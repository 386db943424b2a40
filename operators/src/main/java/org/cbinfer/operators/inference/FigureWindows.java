package org.cbinfer.operators.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-camera windows of figures ({@link CameraFigures}): each camera's window closes after
 * {@code everyFrames} of its frames (processed or rejected) or {@code everyMillis}, whichever comes first,
 * checked when the camera has news. Kept in memory only: after a restore the windows start afresh.
 */
final class FigureWindows {
    private final int everyFrames;
    private final long everyMillis;
    private final Map<String, Window> windows = new HashMap<>();

    private static final class Window {
        final long start;
        long frames, rejected, keyframes, deltaFrames, lastSequence = -1;
        double latencySum, latencyMax, changedSum;

        Window(long start) {
            this.start = start;
        }
    }

    FigureWindows(int everyFrames, long everyMillis) {
        this.everyFrames = everyFrames;
        this.everyMillis = everyMillis;
    }

    /** A processed frame; returns the camera's figures when its window closes with it, else null. */
    CameraFigures processed(String camera, long sequence, boolean keyframe, double changedFraction, double latencyMs,
                            long nowMillis) {
        Window w = windows.computeIfAbsent(camera, c -> new Window(nowMillis));
        w.frames++;
        w.lastSequence = sequence;
        w.latencySum += latencyMs;
        w.latencyMax = Math.max(w.latencyMax, latencyMs);
        if (keyframe) {
            w.keyframes++;
        } else {
            w.deltaFrames++;
            w.changedSum += changedFraction;
        }
        return closeIfDue(camera, w, nowMillis);
    }

    /** A rejected frame; returns the camera's figures when its window closes with it, else null. */
    CameraFigures rejected(String camera, long nowMillis) {
        Window w = windows.computeIfAbsent(camera, c -> new Window(nowMillis));
        w.rejected++;
        return closeIfDue(camera, w, nowMillis);
    }

    /** Closes every open window (end of input). */
    List<CameraFigures> closeAll(long nowMillis) {
        List<CameraFigures> out = new ArrayList<>();
        windows.forEach((camera, w) -> out.add(figures(camera, w, nowMillis)));
        windows.clear();
        return out;
    }

    private CameraFigures closeIfDue(String camera, Window w, long now) {
        if (w.frames + w.rejected < everyFrames && now - w.start < everyMillis) return null;
        windows.remove(camera);
        return figures(camera, w, now);
    }

    private static CameraFigures figures(String camera, Window w, long now) {
        double seconds = Math.max(now - w.start, 1) / 1000.0;
        return new CameraFigures(camera, w.start, now, w.frames, w.rejected, w.keyframes, w.frames / seconds,
                w.frames == 0 ? 0 : w.latencySum / w.frames, w.latencyMax,
                w.deltaFrames == 0 ? Double.NaN : w.changedSum / w.deltaFrames, w.lastSequence);
    }
}
