package org.cbinfer.operators.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.operators.state.StateSnapshotSerializer;

/**
 * The keyed change-based inference operator: for each camera (the key) it keeps the engine's stream state
 * live in a cache (LRU under a memory budget) and in Flink keyed state, written back at every checkpoint
 * and when a camera is evicted; a cache miss restores the camera from keyed state, an empty state starts
 * it with a keyframe. Frames that cannot be processed (bad size, duplicate or out-of-order sequence,
 * non-finite pixels) go to {@link #REJECTED} with the reason; the operator keeps running.
 *
 * <p>Policies: a frame whose sequence number is not greater than the camera's last processed one is
 * rejected (duplicates and late frames would otherwise corrupt the change-based state); a frame of a new
 * size resets that camera (keyframe).
 */
public final class ChangeBasedInferenceOperator extends AbstractStreamOperator<InferenceOutput>
        implements OneInputStreamOperator<CameraFrame, InferenceOutput> {
    private static final long serialVersionUID = 1L;

    /** Side output of frames that were not processed, with the reason. */
    public static final OutputTag<FrameRejection> REJECTED =
            new OutputTag<>("rejected-frames", TypeInformation.of(FrameRejection.class));

    private final InferenceSettings settings;

    private transient ChangeBasedEngine engine;
    private transient String modelName;
    private transient ValueState<StateSnapshot> committedState;
    private transient ValueState<Long> lastSequence;
    /** Live engine state per camera, least recently used first. */
    private transient LinkedHashMap<Object, StreamState> cache;
    private transient long cacheBytes;

    private transient Counter frames;
    private transient Counter keyframes;
    private transient Counter rejected;
    private transient Counter cacheHits;
    private transient Counter cacheMisses;
    private transient Counter evictions;
    private transient Histogram latencyMs;
    private transient volatile double lastChangedFraction;
    private transient volatile double lastWorkFraction;

    public ChangeBasedInferenceOperator(InferenceSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        committedState = context.getKeyedStateStore().getState(
                new ValueStateDescriptor<>("cbinfer-committed", StateSnapshotSerializer.INSTANCE));
        lastSequence = context.getKeyedStateStore().getState(new ValueStateDescriptor<>("cbinfer-last-sequence", Long.class));
    }

    @Override
    public void open() throws Exception {
        super.open();
        engine = new ChangeBasedEngine(ModelFiles.load(Path.of(settings.modelPath())), settings.thresholds());
        modelName = Path.of(settings.modelPath()).getFileName().toString();
        cache = new LinkedHashMap<>(16, 0.75f, true);
        var group = getMetricGroup();
        frames = group.counter("framesProcessed");
        keyframes = group.counter("keyframes");
        rejected = group.counter("framesRejected");
        cacheHits = group.counter("stateCacheHits");
        cacheMisses = group.counter("stateCacheMisses");
        evictions = group.counter("stateCacheEvictions");
        latencyMs = group.histogram("processingLatencyMs", new DescriptiveStatisticsHistogram(1000));
        group.gauge("changedFraction", () -> lastChangedFraction);
        group.gauge("workFraction", () -> lastWorkFraction);
        group.gauge("cachedCameras", () -> cache.size());
        group.gauge("stateCacheBytes", () -> cacheBytes);
    }

    @Override
    public void processElement(StreamRecord<CameraFrame> record) throws Exception {
        CameraFrame f = record.getValue();
        Long last = lastSequence.value();
        if (last != null && f.sequence() <= last) {
            reject(f, "sequence " + f.sequence() + " is not after the last processed " + last + " (duplicate or out of order)");
            return;
        }
        Tensor input;
        try {
            input = ImageTensors.fromRgb(f.rgb(), 0, f.width(), f.height(), settings.scale());
        } catch (IllegalArgumentException e) {
            reject(f, "bad frame: " + e.getMessage());
            return;
        }
        Object key = getCurrentKey();
        StreamState state = acquire(key);
        if (settings.keyframeEvery() > 0 && state.frames() % settings.keyframeEvery() == 0) state.requestKeyframe();
        long before = state.bytes();
        FrameResult result;
        try {
            result = engine.process(state, input);
        } catch (ModelException e) {
            reject(f, e.getMessage());
            return;
        }
        cacheBytes += state.bytes() - before;
        lastSequence.update(f.sequence());
        frames.inc();
        if (result.stats().keyframe()) keyframes.inc();
        latencyMs.update(result.stats().nanos() / 1_000_000);
        lastChangedFraction = result.stats().inputChangedFraction();
        lastWorkFraction = result.stats().denseMacs() == 0 ? 0 : result.stats().macs() / (double) result.stats().denseMacs();
        output.collect(record.replace(toOutput(f, result)));
        evictOverBudget(key);
    }

    private InferenceOutput toOutput(CameraFrame f, FrameResult r) {
        Map<String, float[]> outputs = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        r.outputs().forEach((name, t) -> {
            outputs.put(name, t.data());
            shapes.put(name, t.shape());
        });
        return new InferenceOutput(f.camera(), f.sequence(), f.captureTimeMillis(), modelName, outputs, shapes,
                r.stats().keyframe(), r.stats().inputChangedFraction(), r.stats().macs(), r.stats().denseMacs(),
                r.stats().nanos());
    }

    /** The camera's live state: from the cache, else restored from keyed state, else new (keyframe). */
    private StreamState acquire(Object key) throws Exception {
        StreamState s = cache.get(key);
        if (s != null) {
            cacheHits.inc();
            return s;
        }
        cacheMisses.inc();
        StateSnapshot stored = committedState.value();
        s = stored == null ? engine.newState() : engine.restore(stored);
        cache.put(key, s);
        cacheBytes += s.bytes();
        return s;
    }

    /** Writes back and drops least recently used cameras while over budget (never the current one). */
    private void evictOverBudget(Object current) throws Exception {
        if (cacheBytes <= settings.cacheBudgetBytes()) return;
        List<Map.Entry<Object, StreamState>> evicted = new ArrayList<>();
        for (Iterator<Map.Entry<Object, StreamState>> it = cache.entrySet().iterator();
             it.hasNext() && cacheBytes > settings.cacheBudgetBytes(); ) {
            Map.Entry<Object, StreamState> e = it.next();
            if (e.getKey().equals(current)) continue;
            evicted.add(e);
            cacheBytes -= e.getValue().bytes();
            it.remove();
        }
        for (Map.Entry<Object, StreamState> e : evicted) {
            setCurrentKey(e.getKey());
            writeBack(e.getValue());
            evictions.inc();
        }
        setCurrentKey(current);
    }

    private void writeBack(StreamState s) throws Exception {
        StateSnapshot snap = s.snapshot();
        if (snap != null) committedState.update(StateSnapshotSerializer.INSTANCE.copy(snap));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        Object current = getCurrentKey();
        for (Map.Entry<Object, StreamState> e : cache.entrySet()) {
            setCurrentKey(e.getKey());
            writeBack(e.getValue());
        }
        if (current != null) setCurrentKey(current);
        super.snapshotState(context);
    }

    private void reject(CameraFrame f, String reason) {
        rejected.inc();
        output.collect(REJECTED, new StreamRecord<>(new FrameRejection(f.camera(), f.sequence(), f.origin(),
                "camera " + f.camera() + " frame " + f.sequence() + (f.origin() == null ? "" : " (" + f.origin() + ")")
                        + ": " + reason)));
    }
}
