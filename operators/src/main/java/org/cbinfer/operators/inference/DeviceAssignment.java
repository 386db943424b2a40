package org.cbinfer.operators.inference;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * Which GPU a subtask of the inference operator runs on. Two sources, in this order:
 * <ol>
 *   <li>the Flink external resource {@value #GPU_RESOURCE} when the TaskManager has one configured
 *       ({@code external-resources: gpu} with a discovery script): its infos name the TaskManager's GPUs by their
 *       {@value #INDEX_PROPERTY} property. Flink does not split them among the slots of a TaskManager (every
 *       subtask there sees all of them), so subtask {@code i} takes the {@code i mod n}-th of the {@code n} indexes
 *       in ascending order;</li>
 *   <li>otherwise the configured device list (the job's {@code backend.devices}, default the single
 *       {@code backend.device}): subtask {@code i} takes {@code list[i mod n]}. A device may be listed more than
 *       once to give it a larger share of the subtasks.</li>
 * </ol>
 * Several subtasks may share a GPU (the CUDA backend shares one context per device per process; each backend has
 * its own stream and memory pool). Pure logic: the operator passes what its runtime context gives.
 */
@Internal
public final class DeviceAssignment {
    /** The external resource name Flink's GPU plugin is configured under. */
    public static final String GPU_RESOURCE = "gpu";
    /** The property of a GPU info that holds the device index. */
    public static final String INDEX_PROPERTY = "index";

    private DeviceAssignment() {}

    /** Where a decision came from. */
    public enum Source {
        EXTERNAL_RESOURCE("Flink external resource '" + GPU_RESOURCE + "'"),
        DEVICE_LIST("configured device list");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A subtask's device.
     *
     * @param index      the device index the subtask uses
     * @param subtask    the subtask's index
     * @param source     where the candidates came from
     * @param candidates the devices the subtask chose among, in the order the spread uses
     */
    public record Device(int index, int subtask, Source source, List<Integer> candidates) {
        public Device {
            candidates = List.copyOf(candidates);
        }

        /** E.g. {@code subtask 1 -> device 3 (Flink external resource 'gpu' [2, 3], subtask 1 mod 2)}. */
        public String describe() {
            return "subtask " + subtask + " -> device " + index + " (" + source.label() + " " + candidates + ", subtask "
                    + subtask + " mod " + candidates.size() + ")";
        }
    }

    /**
     * The device of subtask {@code subtask}.
     *
     * @param gpus    the infos of the external resource {@value #GPU_RESOURCE} (empty when none is configured)
     * @param devices the configured device list, used when {@code gpus} is empty; not empty
     * @throws IllegalArgumentException when a GPU info has no valid {@value #INDEX_PROPERTY}, or the list is empty
     *                                  or holds a negative index
     */
    public static Device choose(int subtask, Collection<? extends ExternalResourceInfo> gpus, List<Integer> devices) {
        if (subtask < 0) throw new IllegalArgumentException("subtask index must be >= 0, got " + subtask);
        Objects.requireNonNull(devices, "devices");
        if (gpus != null && !gpus.isEmpty()) {
            List<Integer> indexes = gpuIndexes(gpus);
            return new Device(indexes.get(subtask % indexes.size()), subtask, Source.EXTERNAL_RESOURCE, indexes);
        }
        if (devices.isEmpty()) throw new IllegalArgumentException("the device list is empty");
        for (Integer d : devices) {
            if (d == null || d < 0) throw new IllegalArgumentException("device indexes must be >= 0, got " + devices);
        }
        return new Device(devices.get(subtask % devices.size()), subtask, Source.DEVICE_LIST, devices);
    }

    /** The distinct device indexes of the GPU infos, ascending. */
    static List<Integer> gpuIndexes(Collection<? extends ExternalResourceInfo> gpus) {
        TreeSet<Integer> indexes = new TreeSet<>();
        for (ExternalResourceInfo info : gpus) {
            String value = info.getProperty(INDEX_PROPERTY).orElseThrow(() -> new IllegalArgumentException(
                    "external resource '" + GPU_RESOURCE + "': a GPU without the property '" + INDEX_PROPERTY
                            + "' (it has " + info.getKeys() + "); is the GPU plugin's discovery script the right one?"));
            indexes.add(parseIndex(value, "external resource '" + GPU_RESOURCE + "' property '" + INDEX_PROPERTY + "'"));
        }
        return List.copyOf(indexes);
    }

    /**
     * Parses a comma-separated device list such as {@code 0,1,2,3}. The message of the exception says what is wrong;
     * callers put the name of their setting before it.
     *
     * @throws IllegalArgumentException when the list is empty or an entry is not an index >= 0
     */
    public static List<Integer> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty device list; give indexes such as 0,1,2,3");
        }
        List<Integer> devices = new ArrayList<>();
        for (String part : text.split(",", -1)) devices.add(parseIndex(part.trim(), "device list '" + text + "'"));
        return List.copyOf(devices);
    }

    private static int parseIndex(String value, String where) {
        try {
            int d = Integer.parseInt(value);
            if (d >= 0) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(where + ": '" + value + "' is not a device index (an integer >= 0)");
    }
}
