package org.cbinfer.kernels.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphInput;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * A graph bound to concrete input shapes: every value gets a slot, every node a kernel and its shapes.
 * Built once per input size and shared by the dense and the change-based executors.
 */
public final class CpuPlan {
    /** One node to run: its kernel, where its inputs and output live, and its shapes. */
    public record Step(Node node, Kernel kernel, int[] inputSlots, int outputSlot, int[][] inputShapes, int[] outputShape,
                       long denseMacs) {}

    private final Graph graph;
    private final Map<String, int[]> inputShapes;
    private final Map<String, Integer> slots = new HashMap<>();
    private final int[][] slotShapes;
    private final List<Step> steps = new ArrayList<>();
    private final int[] inputSlots;
    private final int[] outputSlots;

    public CpuPlan(Graph graph, Map<String, int[]> inputShapes) {
        this.graph = graph;
        this.inputShapes = Map.copyOf(inputShapes);
        Map<String, int[]> shapes = graph.inferShapes(inputShapes);
        checkFitsInHeap(graph, shapes);
        List<int[]> slotShapeList = new ArrayList<>();
        for (GraphInput in : graph.inputs()) slot(in.name(), shapes, slotShapeList);
        graph.constants().keySet().forEach(c -> slot(c, shapes, slotShapeList));
        for (Node n : graph.nodes()) {
            int[] ins = new int[n.inputs().size()];
            int[][] inShapes = new int[ins.length][];
            for (int i = 0; i < ins.length; i++) {
                ins[i] = slots.get(n.inputs().get(i));
                inShapes[i] = shapes.get(n.inputs().get(i));
            }
            int out = slot(n.name(), shapes, slotShapeList);
            int[] outShape = shapes.get(n.name());
            steps.add(new Step(n, Kernels.create(n, inShapes, outShape), ins, out, inShapes, outShape,
                    n.op().macs(inShapes, outShape)));
        }
        slotShapes = slotShapeList.toArray(new int[0][]);
        inputSlots = graph.inputs().stream().mapToInt(i -> slots.get(i.name())).toArray();
        outputSlots = graph.outputs().stream().mapToInt(slots::get).toArray();
    }

    /**
     * Refuses shapes whose node outputs could never be held: a pass keeps every node's output alive at once,
     * so if together they exceed the heap, allocating them (or the kernels' tables) would only fail later with
     * an {@link OutOfMemoryError}. Names the node with the largest output.
     */
    private static void checkFitsInHeap(Graph graph, Map<String, int[]> shapes) {
        long total = 0;
        long largest = -1;
        String largestNode = null;
        for (Node n : graph.nodes()) {
            long size = Shapes.size(shapes.get(n.name()));
            total += size;
            if (size > largest) {
                largest = size;
                largestNode = n.name();
            }
        }
        long bytes = total * Float.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new ModelException(largestNode, String.format(java.util.Locale.ROOT,
                    "node outputs need %d bytes (%.1f GB) at once, more than the %.1f GB heap; the largest is %s",
                    bytes, bytes / 1e9, heap / 1e9, Shapes.str(shapes.get(largestNode))));
        }
    }

    private int slot(String name, Map<String, int[]> shapes, List<int[]> list) {
        slots.put(name, list.size());
        list.add(shapes.get(name));
        return list.size() - 1;
    }

    public Graph graph() {
        return graph;
    }

    public Map<String, int[]> inputShapes() {
        return inputShapes;
    }

    public List<Step> steps() {
        return steps;
    }

    public int slotCount() {
        return slotShapes.length;
    }

    public int[] slotShape(int slot) {
        return slotShapes[slot];
    }

    public int slot(String name) {
        return slots.get(name);
    }

    public int[] inputSlots() {
        return inputSlots;
    }

    public int[] outputSlots() {
        return outputSlots;
    }

    /** Fills the constant slots of a value table. */
    public void loadConstants(float[][] values) {
        graph.constants().forEach((name, t) -> values[slots.get(name)] = t.data());
    }

    /** Checks that every graph input is present, non-empty and finite; returns their shapes by input name. */
    public static Map<String, int[]> shapesOf(Graph graph, Map<String, Tensor> inputs) {
        Map<String, int[]> shapes = presentShapesOf(graph, inputs);
        for (GraphInput in : graph.inputs()) {
            Tensor t = inputs.get(in.name());
            int bad = t.firstNonFinite();
            if (bad >= 0) throw notFinite(in.name(), t, bad);
        }
        return shapes;
    }

    /**
     * Like {@link #shapesOf} without reading the values: for a backend that checks them where it copies them
     * anyway (the GPU, while uploading; a host pass over a large frame costs as much as the GPU's work).
     */
    public static Map<String, int[]> presentShapesOf(Graph graph, Map<String, Tensor> inputs) {
        Map<String, int[]> shapes = new HashMap<>();
        for (GraphInput in : graph.inputs()) {
            Tensor t = inputs.get(in.name());
            if (t == null) throw new ModelException(in.name(), "graph input missing; got " + inputs.keySet());
            if (t.size() == 0) throw new ModelException(in.name(), "empty input " + Shapes.str(t.shapeRef()));
            shapes.put(in.name(), t.shapeRef());
        }
        return shapes;
    }

    /** The error for a NaN or infinite value at flat index {@code index} of input {@code name}. */
    public static ModelException notFinite(String name, Tensor input, int index) {
        return new ModelException(name, "input value " + input.data()[index] + " at flat index " + index + " is not finite");
    }
}
