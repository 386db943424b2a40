package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.CU_GRAPH_COND_ASSIGN_DEFAULT;
import static org.bytedeco.cuda.global.cudart.CU_GRAPH_COND_TYPE_SWITCH;
import static org.bytedeco.cuda.global.cudart.CU_GRAPH_COND_TYPE_WHILE;
import static org.bytedeco.cuda.global.cudart.CU_GRAPH_NODE_TYPE_CONDITIONAL;
import static org.bytedeco.cuda.global.cudart.CU_STREAM_CAPTURE_MODE_RELAXED;
import static org.bytedeco.cuda.global.cudart.CU_STREAM_NON_BLOCKING;
import static org.bytedeco.cuda.global.cudart.CU_STREAM_SET_CAPTURE_DEPENDENCIES;
import static org.bytedeco.cuda.global.cudart.cuGraphAddNode;
import static org.bytedeco.cuda.global.cudart.cuGraphConditionalHandleCreate;
import static org.bytedeco.cuda.global.cudart.cuGraphDestroy;
import static org.bytedeco.cuda.global.cudart.cuGraphExecDestroy;
import static org.bytedeco.cuda.global.cudart.cuGraphInstantiate;
import static org.bytedeco.cuda.global.cudart.cuStreamBeginCapture;
import static org.bytedeco.cuda.global.cudart.cuStreamBeginCaptureToGraph;
import static org.bytedeco.cuda.global.cudart.cuStreamCreate;
import static org.bytedeco.cuda.global.cudart.cuStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cuStreamEndCapture;
import static org.bytedeco.cuda.global.cudart.cuStreamGetCaptureInfo;
import static org.bytedeco.cuda.global.cudart.cuStreamUpdateCaptureDependencies;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.util.ArrayDeque;
import java.util.function.IntConsumer;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraphNode_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.CUDA_CONDITIONAL_NODE_PARAMS;
import org.bytedeco.cuda.cudart.CUgraphNodeParams;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Records what a frame enqueues as a CUDA graph, with conditional nodes where the work depends on a count that
 * lives on the device: a switch node chooses among bodies (the GEMMs captured for row-count buckets), a while node
 * repeats its body; kernels of the graph set their handles ({@code cudaGraphSetConditional}). Launches and library
 * calls go through the {@link Launcher}, whose stream this class points at the graph being captured - the frame's,
 * or a conditional node's body - so the code that enqueues a step need not know which.
 */
final class GraphCapture implements AutoCloseable {
    private final Launcher launcher;
    /** Idle streams for capturing conditional bodies (one per nesting level in use). */
    private final ArrayDeque<CUstream_st> spare = new ArrayDeque<>();
    private boolean capturing;

    GraphCapture(Launcher launcher) {
        this.launcher = launcher;
    }

    /** True while {@link #capture} runs: conditional nodes can be added. */
    boolean capturing() {
        return capturing;
    }

    /** What {@code launches} enqueue on the launcher's stream, as an instantiated graph. */
    CUgraphExec_st capture(Runnable launches) {
        CUstream_st s = launcher.stream();
        check(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_RELAXED), "cuStreamBeginCapture");
        CUgraph_st g = new CUgraph_st();
        capturing = true;
        try {
            launches.run();
        } finally {
            capturing = false;
            check(cuStreamEndCapture(s, g), "cuStreamEndCapture");
        }
        CUgraphExec_st exec = new CUgraphExec_st();
        try {
            check(cuGraphInstantiate(exec, g, 0), "cuGraphInstantiate");
        } finally {
            cuGraphDestroy(g);
        }
        return exec;
    }

    static void destroy(CUgraphExec_st exec) {
        cuGraphExecDestroy(exec);
    }

    /**
     * A new conditional handle of the graph being captured, reset to {@code defaultValue} at each launch of the
     * graph; kernels captured before its node may already set it (cudaGraphSetConditional).
     */
    long newHandle(int defaultValue) {
        if (!capturing) throw new IllegalStateException("conditional nodes exist only in a captured graph");
        try (IntPointer status = new IntPointer(1); LongPointer id = new LongPointer(1); LongPointer handle = new LongPointer(1)) {
            CUgraph_st graph = new CUgraph_st();
            check(cuStreamGetCaptureInfo(launcher.stream(), status, id, graph, (PointerPointer<?>) null,
                    (PointerPointer<?>) null, (SizeTPointer) null), "cuStreamGetCaptureInfo");
            check(cuGraphConditionalHandleCreate(handle, graph, launcher.device().context(), defaultValue,
                    CU_GRAPH_COND_ASSIGN_DEFAULT), "cuGraphConditionalHandleCreate");
            return handle.get();
        }
    }

    /**
     * Adds a switch node at the current point of the capture: at replay it runs body {@code value} of its
     * {@code bodies} (none when the value is out of range). {@code body} enqueues body i's work through the
     * launcher.
     */
    void addSwitch(long handle, int bodies, IntConsumer body) {
        addConditional(handle, CU_GRAPH_COND_TYPE_SWITCH, bodies, body);
    }

    /** Adds a while node: its body repeats while the handle is non-zero when checked. */
    void addWhile(long handle, Runnable body) {
        addConditional(handle, CU_GRAPH_COND_TYPE_WHILE, 1, i -> body.run());
    }

    private void addConditional(long handle, int type, int bodies, IntConsumer body) {
        if (!capturing) throw new IllegalStateException("conditional nodes exist only in a captured graph");
        CUstream_st s = launcher.stream();
        CUgraph_st graph = new CUgraph_st();
        try (IntPointer status = new IntPointer(1); LongPointer id = new LongPointer(1);
             PointerPointer<?> deps = new PointerPointer<>(1); PointerPointer<?> edges = new PointerPointer<>(1);
             SizeTPointer depCount = new SizeTPointer(1); CUgraphNodeParams params = new CUgraphNodeParams()) {
            check(cuStreamGetCaptureInfo(s, status, id, graph, deps, edges, depCount), "cuStreamGetCaptureInfo");
            // the capture is one stream's: at most one node to follow. Through JavaCPP's binding the first slot holds
            // that node itself, not the address of the driver's array (seen on the H200 with driver 580: the node
            // equals the graph's root when one node was captured; reading through it crashed cuGraphAddNode)
            long count = depCount.get();
            if (count > 1) throw new IllegalStateException("capture has " + count + " dependencies; expected one stream's");
            CUgraphNode_st last = count == 0 ? null : new CUgraphNode_st(deps.get(0));
            Pointer.memset(params, 0, params.sizeof());
            params.type(CU_GRAPH_NODE_TYPE_CONDITIONAL);
            CUDA_CONDITIONAL_NODE_PARAMS c = params.conditional();
            c.handle(handle).type(type).size(bodies).ctx(launcher.device().context());
            CUgraphNode_st node = new CUgraphNode_st();
            check(cuGraphAddNode(node, graph, last, null, count, params), "cuGraphAddNode(conditional)");
            check(cuStreamUpdateCaptureDependencies(s, node, null, 1, CU_STREAM_SET_CAPTURE_DEPENDENCIES),
                    "cuStreamUpdateCaptureDependencies");
            PointerPointer<CUgraph_st> bodyGraphs = bodyGraphs(params.conditional());
            for (int i = 0; i < bodies; i++) captureBody(bodyGraphs.get(CUgraph_st.class, i), i, body);
        }
    }

    /**
     * The node's bodies: the CUDA-owned array that {@code phGraph_out} points to. JavaCPP's getter of that field
     * dereferences it (it gives the first body only), so the field is read as the address it holds.
     */
    private static PointerPointer<CUgraph_st> bodyGraphs(CUDA_CONDITIONAL_NODE_PARAMS conditional) {
        long field = conditional.address() + Loader.offsetof(CUDA_CONDITIONAL_NODE_PARAMS.class, "phGraph_out");
        return new PointerPointer<>(new PointerPointer<>(Libraries.device(field)).get(0));
    }

    /** Captures body i into {@code bodyGraph} on a stream of its own, with the launcher pointed at it. */
    private void captureBody(CUgraph_st bodyGraph, int i, IntConsumer body) {
        CUstream_st bodyStream = spare.isEmpty() ? newStream() : spare.pop();
        try {
            check(cuStreamBeginCaptureToGraph(bodyStream, bodyGraph, null, null, 0, CU_STREAM_CAPTURE_MODE_RELAXED),
                    "cuStreamBeginCaptureToGraph");
            CUgraph_st captured = new CUgraph_st();
            try {
                launcher.onStream(bodyStream, () -> body.accept(i));
            } finally {
                check(cuStreamEndCapture(bodyStream, captured), "cuStreamEndCapture(body)");
            }
        } finally {
            spare.push(bodyStream);
        }
    }

    private static CUstream_st newStream() {
        CUstream_st s = new CUstream_st();
        check(cuStreamCreate(s, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        return s;
    }

    @Override
    public void close() {
        for (CUstream_st s : spare) cuStreamDestroy(s);
        spare.clear();
    }
}
