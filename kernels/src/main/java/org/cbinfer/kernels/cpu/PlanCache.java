package org.cbinfer.kernels.cpu;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.cbinfer.kernels.graph.Graph;

/** Plans of one graph, one per distinct set of input shapes (cameras rarely change resolution). */
public final class PlanCache {
    private final Graph graph;
    private final Map<String, CpuPlan> plans = new ConcurrentHashMap<>();

    public PlanCache(Graph graph) {
        this.graph = graph;
    }

    public Graph graph() {
        return graph;
    }

    public CpuPlan plan(Map<String, int[]> inputShapes) {
        StringBuilder key = new StringBuilder();
        new TreeMap<>(inputShapes).forEach((k, v) -> key.append(k).append(Arrays.toString(v)).append(';'));
        return plans.computeIfAbsent(key.toString(), k -> new CpuPlan(graph, inputShapes));
    }

    /** Plans built so far. */
    public List<CpuPlan> plans() {
        return List.copyOf(plans.values());
    }
}
