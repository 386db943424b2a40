package org.cbinfer.kernels.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Runs a graph densely on the CPU using all cores: the reference every other backend and the
 * change-based pass are checked against. Plans are cached per input size. Thread-safe for
 * concurrent {@link #run} calls.
 */
public final class DenseExecutor {
    private final Graph graph;
    private final PlanCache plans;

    public DenseExecutor(Graph graph) {
        this.graph = GraphOptimizer.optimize(graph);
        this.plans = new PlanCache(this.graph);
    }

    /** The graph as it runs (after batch-norm folding and activation fusion). */
    public Graph graph() {
        return graph;
    }

    public CpuPlan plan(Map<String, int[]> inputShapes) {
        return plans.plan(inputShapes);
    }

    /** Runs a single-input graph. */
    public Map<String, Tensor> run(Tensor input) {
        return run(Map.of(graph.inputs().get(0).name(), input));
    }

    /** Computes the graph outputs (by name) from the graph inputs (by name). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        CpuPlan plan = plan(CpuPlan.shapesOf(graph, inputs));
        float[][] values = new float[plan.slotCount()][];
        plan.loadConstants(values);
        for (int i = 0; i < plan.inputSlots().length; i++) {
            values[plan.inputSlots()[i]] = inputs.get(graph.inputs().get(i).name()).data();
        }
        for (CpuPlan.Step step : plan.steps()) {
            float[][] in = new float[step.inputSlots().length][];
            for (int i = 0; i < in.length; i++) in[i] = values[step.inputSlots()[i]];
            float[] out = new float[Shapes.size(step.outputShape())];
            step.kernel().compute(in, out, null, 0);
            values[step.outputSlot()] = out;
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int i = 0; i < plan.outputSlots().length; i++) {
            int s = plan.outputSlots()[i];
            result.put(graph.outputs().get(i), Tensor.of(plan.slotShape(s), values[s]));
        }
        return result;
    }
}
