package org.cbinfer.operators.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.operators.state.StateSnapshotSerializer;

/**
 * The keyed change-based inference operator. For each camera (the key) it keeps a {@link BackendStream} live in
 * a cache (LRU under a memory budget) and its state in Flink keyed state, written back at every checkpoint and
 * when a camera is evicted; a cache miss restores the camera from keyed state, an empty state starts it with a
 * keyframe.
 *
 * <p>Micro-batches: frames of different cameras are buffered and processed by the {@link Backend} together,
 * up to {@link InferenceSettings#batchMaxSize()} frames, or after {@link InferenceSettings#batchMaxWaitMs()} on a
 * processing-time timer. A camera appears at most once per batch: its next frame flushes the batch first, so
 * each camera's frames are processed in order. The buffer is flushed before every checkpoint barrier, every
 * watermark and at the end of input, so buffered frames are never lost nor overtaken.
 *
 * <p>Policies (frames that break them go to {@link #REJECTED} with the reason and the frame; the job goes on):
 * a frame whose sequence number is not greater than the camera's last processed one is rejected (duplicates and
 * late frames would corrupt the change-based state), except sequence 0 after a higher one: the producer
 * restarted, and the frame is processed as a keyframe. A frame of a new size makes a keyframe (the backend's
 * rule). Frames whose pixels do not match their size are rejected.
 *
 * <p>Per-camera figures ({@link CameraFigures}) go to {@link #FIGURES} every so many frames or seconds.
 *
 * <p>Each subtask builds its backend on the device {@link DeviceAssignment} picks for its index (the Flink external
 * resource {@value DeviceAssignment#GPU_RESOURCE}, else {@link InferenceSettings#devices()}), logs the choice and
 * reports it as the gauge {@code gpuDevice}.
 */
@PublicEvolving
public final class ChangeBasedInferenceOperator extends AbstractStreamOperator<InferenceOutput>
        implements OneInputStreamOperator<CameraFrame, InferenceOutput> {
    private static final long serialVersionUID = 2L;

    /** Side output of frames that were not processed, with the reason. */
    public static final OutputTag<FrameRejection> REJECTED =
            new OutputTag<>("rejected-frames", TypeInformation.of(FrameRejection.class));
    /** Side output of per-camera figures. */
    public static final OutputTag<CameraFigures> FIGURES =
            new OutputTag<>("camera-figures", TypeInformation.of(CameraFigures.class));

    private final InferenceSettings settings;

    private transient Backend backend;
    private transient DeviceAssignment.Device device;
    private transient String modelName;
    private transient ValueState<StateSnapshot> committedState;
    private transient ValueState<Long> lastSequence;
    private transient StreamCache cache;
    private transient FigureWindows figures;
    /** Frames waiting for their batch, by camera, in arrival order. */
    private transient LinkedHashMap<Object, Pending> batch;
    /** Identifies the current batch, so that the timer of a batch already flushed does nothing. */
    private transient long batchGeneration;

    private transient Counter frames;
    private transient Counter keyframes;
    private transient Counter rejected;
    private transient Counter sequenceRestarts;
    private transient Counter cacheHits;
    private transient Counter cacheMisses;
    private transient Counter evictions;
    private transient Histogram latencyMs;
    private transient Histogram batchSizes;
    private transient volatile double lastChangedFraction;
    private transient volatile double lastWorkFraction;

    /** A buffered frame with its record's timestamp and when it arrived. */
    private record Pending(Object key, CameraFrame frame, boolean hasTimestamp, long timestamp, long arrivedNanos) {}

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

    /**
     * The backend for the model. A model that cannot be read, or that the thresholds or fallback do not fit (the
     * builder checks their layer names), fails the job at once with the model's error as the root cause: no restart
     * can fix it, and Flink's restart strategy would otherwise retry it forever.
     */
    private Backend backend(int deviceIndex) {
        Path path = Path.of(settings.modelPath());
        try {
            return Backend.builder().graph(ModelFiles.load(path)).thresholds(settings.thresholds())
                    .denseFallback(settings.fallback()).kind(settings.backend()).device(deviceIndex)
                    .precision(settings.precision()).build();
        } catch (IOException | ModelException | IllegalArgumentException e) {
            throw new SuppressRestartsException(new IllegalStateException("model " + path + " cannot be used: " + e.getMessage(), e));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        device = DeviceAssignment.choose(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getExternalResourceInfos(DeviceAssignment.GPU_RESOURCE), settings.devices());
        backend = backend(device.index());
        // the CPU backend ignores the device, but the decision is still made and reported (gauge gpuDevice)
        LOG.info("{} {}: backend {}", getOperatorName(), device.describe(), backend.name());
        modelName = Path.of(settings.modelPath()).getFileName().toString();
        cache = new StreamCache(settings.cacheBudgetBytes());
        figures = new FigureWindows(settings.figuresEveryFrames(), settings.figuresEveryMillis());
        batch = new LinkedHashMap<>();
        var group = getMetricGroup();
        frames = group.counter("framesProcessed");
        keyframes = group.counter("keyframes");
        rejected = group.counter("framesRejected");
        sequenceRestarts = group.counter("sequenceRestarts");
        cacheHits = group.counter("stateCacheHits");
        cacheMisses = group.counter("stateCacheMisses");
        evictions = group.counter("stateCacheEvictions");
        latencyMs = group.histogram("processingLatencyMs", new DescriptiveStatisticsHistogram(1000));
        batchSizes = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        group.gauge("changedFraction", () -> lastChangedFraction);
        group.gauge("workFraction", () -> lastWorkFraction);
        group.gauge("cachedCameras", () -> cache.size());
        group.gauge("deviceMemoryBytes", () -> cache.bytes());
        int deviceIndex = device.index();
        group.gauge("gpuDevice", () -> deviceIndex);
    }

    @Override
    public void processElement(StreamRecord<CameraFrame> record) throws Exception {
        Object key = getCurrentKey();
        if (batch.containsKey(key)) flush();   // one frame per camera per batch, in order
        if (batch.isEmpty()) startBatchTimer();
        batch.put(key, new Pending(key, record.getValue(), record.hasTimestamp(), record.getTimestamp(), System.nanoTime()));
        if (batch.size() >= settings.batchMaxSize()) flush();
        setCurrentKey(key);
    }

    private void startBatchTimer() {
        long generation = ++batchGeneration;
        if (settings.batchMaxSize() <= 1) return;
        long at = getProcessingTimeService().getCurrentProcessingTime() + settings.batchMaxWaitMs();
        getProcessingTimeService().registerTimer(at, time -> {
            if (generation == batchGeneration && !batch.isEmpty()) flush();
        });
    }

    /** Processes the buffered frames as one batch (after checking each against its camera's state). */
    private void flush() throws Exception {
        if (batch.isEmpty()) return;
        List<Pending> pending = new ArrayList<>(batch.values());
        batch.clear();
        batchGeneration++;
        List<Pending> accepted = new ArrayList<>();
        List<BackendStream> streams = new ArrayList<>();
        List<RgbInput> inputs = new ArrayList<>();
        for (Pending p : pending) {
            setCurrentKey(p.key());
            CameraFrame f = p.frame();
            Long last = lastSequence.value();
            boolean restart = false;
            if (last != null && f.sequence() <= last) {
                if (f.sequence() != 0 || last == 0) {
                    reject(f, "sequence " + f.sequence() + " is not after the last processed " + last
                            + " (duplicate or out of order)");
                    continue;
                }
                restart = true;   // the producer restarted its numbering
            }
            RgbInput input;
            try {
                input = new RgbInput(f.rgb(), 0, f.width(), f.height(), settings.scale());
            } catch (IllegalArgumentException e) {
                reject(f, "bad frame: " + e.getMessage());
                continue;
            }
            BackendStream stream = acquire(p.key());
            if (restart) {
                sequenceRestarts.inc();
                stream.requestKeyframe();
            }
            if (settings.keyframeEvery() > 0 && stream.frames() % settings.keyframeEvery() == 0) stream.requestKeyframe();
            accepted.add(p);
            streams.add(stream);
            inputs.add(input);
        }
        if (!accepted.isEmpty()) run(accepted, streams, inputs);
        Set<Object> inBatch = new HashSet<>();
        for (Pending p : accepted) inBatch.add(p.key());
        evictOverBudget(inBatch);
    }

    private void run(List<Pending> accepted, List<BackendStream> streams, List<RgbInput> inputs) throws Exception {
        List<FrameResult> results;
        try {
            results = backend.processImages(streams, inputs);
        } catch (RuntimeException e) {
            // the streams of a failed batch may be half updated: each restarts with a keyframe
            for (int i = 0; i < accepted.size(); i++) {
                setCurrentKey(accepted.get(i).key());
                streams.get(i).requestKeyframe();
                reject(accepted.get(i).frame(), "the backend failed on the batch of " + accepted.size()
                        + " frames holding this one: " + e.getMessage());
            }
            return;
        }
        cache.recount();
        batchSizes.update(accepted.size());
        long now = System.nanoTime();
        long nowMillis = getProcessingTimeService().getCurrentProcessingTime();
        for (int i = 0; i < accepted.size(); i++) {
            Pending p = accepted.get(i);
            FrameResult r = results.get(i);
            setCurrentKey(p.key());
            lastSequence.update(p.frame().sequence());
            frames.inc();
            boolean keyframe = r.stats().keyframe();
            if (keyframe) keyframes.inc();
            double latency = (now - p.arrivedNanos()) / 1e6;
            latencyMs.update(Math.round(latency));
            double changed = r.stats().inputChangedFraction();
            lastChangedFraction = changed;
            lastWorkFraction = r.stats().denseMacs() == 0 ? 0 : r.stats().macs() / (double) r.stats().denseMacs();
            InferenceOutput out = toOutput(p.frame(), r, accepted.size());
            output.collect(p.hasTimestamp() ? new StreamRecord<>(out, p.timestamp()) : new StreamRecord<>(out));
            emit(figures.processed(p.frame().camera(), p.frame().sequence(), keyframe, changed, latency, nowMillis));
        }
    }

    private InferenceOutput toOutput(CameraFrame f, FrameResult r, int batchSize) {
        Map<String, float[]> outputs = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        r.outputs().forEach((name, t) -> {
            outputs.put(name, t.data());
            shapes.put(name, t.shape());
        });
        return new InferenceOutput(f.camera(), f.sequence(), f.captureTimeMillis(), modelName, outputs, shapes,
                r.stats().keyframe(), r.stats().inputChangedFraction(), r.stats().macs(), r.stats().denseMacs(),
                r.stats().nanos(), batchSize);
    }

    /** The camera's live stream: from the cache, else restored from keyed state, else new (keyframe). */
    private BackendStream acquire(Object key) throws Exception {
        BackendStream s = cache.get(key);
        if (s != null) {
            cacheHits.inc();
            return s;
        }
        cacheMisses.inc();
        StateSnapshot stored = committedState.value();
        if (stored != null) {
            try {
                s = backend.restore(stored);
            } catch (IllegalArgumentException e) {
                // e.g. the model changed since the checkpoint: the camera starts over with a keyframe
                LOG.warn("camera {}: stored state does not fit the model ({}); starting with a keyframe", key, e.getMessage());
            }
        }
        if (s == null) s = backend.newStream();
        cache.put(key, s);
        return s;
    }

    /** Writes back and closes least recently used cameras while over budget (never one of the last batch). */
    private void evictOverBudget(Set<Object> keep) throws Exception {
        for (Map.Entry<Object, BackendStream> e : cache.evictOverBudget(keep)) {
            setCurrentKey(e.getKey());
            writeBack(e.getValue());
            e.getValue().close();
            evictions.inc();
        }
    }

    private void writeBack(BackendStream s) throws Exception {
        StateSnapshot snap = s.snapshot();   // a copy the state backend may keep
        if (snap != null) committedState.update(snap);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();   // results of buffered frames must not fall behind the watermark
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();   // frames buffered at the barrier belong to this checkpoint's side of the stream
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        Object current = getCurrentKey();
        for (Map.Entry<Object, BackendStream> e : cache.entries()) {
            setCurrentKey(e.getKey());
            writeBack(e.getValue());
        }
        if (current != null) setCurrentKey(current);
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        flush();
        for (CameraFigures f : figures.closeAll(getProcessingTimeService().getCurrentProcessingTime())) emit(f);
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (cache != null) cache.closeAll();
            if (backend != null) backend.close();
        } finally {
            super.close();
        }
    }

    private void emit(CameraFigures f) {
        if (f != null) output.collect(FIGURES, new StreamRecord<>(f));
    }

    private void reject(CameraFrame f, String reason) {
        rejected.inc();
        output.collect(REJECTED, new StreamRecord<>(new FrameRejection(f.camera(), f.sequence(), f.origin(),
                "camera " + f.camera() + " frame " + f.sequence() + (f.origin() == null ? "" : " (" + f.origin() + ")")
                        + ": " + reason, f)));
        emit(figures.rejected(f.camera(), getProcessingTimeService().getCurrentProcessingTime()));
    }
}
