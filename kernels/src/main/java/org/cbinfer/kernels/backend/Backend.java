package org.cbinfer.kernels.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.DenseResult;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.StateSnapshot;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.post.LabelOutputs;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Runs one model change-based for many streams (cameras): the CPU reference or the CUDA backend. A backend
 * holds the model and whatever the hardware needs (plans, kernels, device memory); each stream's memory is a
 * {@link BackendStream} it creates. Both backends compute the same function (docs/algorithm.md); the CPU one is
 * the exact reference, the CUDA one agrees with it within its precision's tolerance.
 *
 * <p>Build one with {@link #builder()}. Not thread-safe: one thread drives a backend (a Flink subtask).
 */
public interface Backend extends AutoCloseable {
    /** "cpu", or "cuda:N" with the device index, followed by the precision where it is not fp32. */
    String name();

    /** The optimized graph (activations fused, batch norms folded) whose layer names thresholds use. */
    Graph graph();

    Thresholds thresholds();

    /** When change-based layers compute densely instead. */
    DenseFallback fallback();

    Precision precision();

    /**
     * The outputs this backend returns as label maps ({@link BackendBuilder#labels}), computed where it computes:
     * the GPU downloads a byte a pixel instead of the scores.
     */
    LabelOutputs labelOutputs();

    /** A new stream; its first frame is a keyframe. */
    BackendStream newStream();

    /**
     * A stream rebuilt from a snapshot (see {@link StateSnapshot}); its next frame continues it without a
     * keyframe.
     *
     * @throws IllegalArgumentException if the snapshot does not fit this model
     */
    BackendStream restore(StateSnapshot snapshot);

    /**
     * Processes one frame for each of several streams together (a micro-batch): {@code inputs.get(i)} is the
     * next frame of {@code streams.get(i)}. A stream appears at most once per batch. Returns one result per
     * frame, in order. Streams of a batch may have different input sizes.
     *
     * @throws IllegalArgumentException if a stream appears twice or belongs to another backend
     * @throws org.cbinfer.kernels.graph.ModelException if an input is missing, empty or holds a NaN or infinite
     *     value; a backend that finds such a value only while running (the GPU checks the values it uploads)
     *     leaves every stream of the batch with a keyframe pending
     */
    List<FrameResult> process(List<BackendStream> streams, List<Map<String, Tensor>> inputs);

    /**
     * The dense model on a batch of frames, without any stream state: what change-based results are
     * compared against, and the baseline that benchmarks time. One result per frame, in order, with the label
     * maps of the outputs asked as labels ({@link #labelOutputs}).
     */
    List<DenseResult> denseResults(List<Map<String, Tensor>> inputs);

    /** The tensors of {@link #denseResults}: every output, unless some are returned as label maps only. */
    default List<Map<String, Tensor>> dense(List<Map<String, Tensor>> inputs) {
        return denseResults(inputs).stream().map(DenseResult::outputs).toList();
    }

    /**
     * {@link #process} for a graph whose single input is an RGB image, from 8-bit frames: each backend converts
     * where it computes (the GPU uploads a quarter of the bytes), with the values of {@link RgbInput#toTensor}.
     */
    default List<FrameResult> processImages(List<BackendStream> streams, List<RgbInput> frames) {
        return process(streams, asInputs(frames));
    }

    /** {@link #denseResults} from 8-bit RGB frames, as {@link #processImages}. */
    default List<DenseResult> denseImageResults(List<RgbInput> frames) {
        return denseResults(asInputs(frames));
    }

    /** The tensors of {@link #denseImageResults}, as {@link #dense}. */
    default List<Map<String, Tensor>> denseImages(List<RgbInput> frames) {
        return denseImageResults(frames).stream().map(DenseResult::outputs).toList();
    }

    private List<Map<String, Tensor>> asInputs(List<RgbInput> frames) {
        String input = imageInput();
        List<Map<String, Tensor>> inputs = new ArrayList<>(frames.size());
        for (RgbInput f : frames) inputs.add(Map.of(input, f.toTensor()));
        return inputs;
    }

    /** The name of the graph's only input, which images feed; fails for graphs of several inputs. */
    default String imageInput() {
        if (graph().inputs().size() != 1) {
            throw new IllegalArgumentException("images feed a graph of one input; " + graph().inputs().size() + " here");
        }
        return graph().inputs().get(0).name();
    }

    /** One frame of one stream whose graph has a single input. */
    default FrameResult process(BackendStream stream, Tensor input) {
        return process(List.of(stream), List.of(Map.of(graph().inputs().get(0).name(), input))).get(0);
    }

    /** Releases the backend's native resources; its streams become unusable. */
    @Override
    void close();

    static BackendBuilder builder() {
        return new BackendBuilder();
    }
}
