package org.cbinfer.kernels.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.FrameStats;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * One stream run change-based over a sequence of frames, from a keyframe: what every tuning evaluation and
 * every trade-off point does. The keyframe (frame 0, a dense pass) is run but not reported: its outputs are
 * exact by construction and its cost is that of a dense pass.
 *
 * @param outputs outputs of frames 1..n-1
 * @param stats stats of frames 1..n-1
 * @param nanos wall time of the {@code process} calls for frames 1..n-1
 */
public record SequenceRun(List<Map<String, Tensor>> outputs, List<FrameStats> stats, long nanos) {
    public SequenceRun {
        outputs = List.copyOf(outputs);
        stats = List.copyOf(stats);
    }

    /** Runs {@code frames} (at least two) through a new stream of {@code backend}. */
    public static SequenceRun of(Backend backend, List<Map<String, Tensor>> frames) {
        if (frames.size() < 2) throw new IllegalArgumentException("a sequence needs at least 2 frames (a keyframe and one more), got " + frames.size());
        List<Map<String, Tensor>> outputs = new ArrayList<>(frames.size() - 1);
        List<FrameStats> stats = new ArrayList<>(frames.size() - 1);
        long nanos = 0;
        try (BackendStream stream = backend.newStream()) {
            for (int f = 0; f < frames.size(); f++) {
                long t0 = System.nanoTime();
                FrameResult r = backend.process(List.of(stream), List.of(frames.get(f))).get(0);
                long t = System.nanoTime() - t0;
                if (f == 0) continue;
                nanos += t;
                outputs.add(r.outputs());
                stats.add(r.stats());
            }
        }
        return new SequenceRun(outputs, stats, nanos);
    }

    public long macs() {
        return stats.stream().mapToLong(FrameStats::macs).sum();
    }

    public long denseMacs() {
        return stats.stream().mapToLong(FrameStats::denseMacs).sum();
    }

    /** Positions in the sequence of the reported frames: 1..n-1. */
    public List<Integer> frames() {
        List<Integer> f = new ArrayList<>(outputs.size());
        for (int i = 1; i <= outputs.size(); i++) f.add(i);
        return f;
    }
}
