package org.cbinfer.kernels.cuda;

import java.util.ArrayList;
import java.util.List;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * A per-position op (activation, add/mul/... with per-channel or scalar broadcast, channel concatenation): its
 * output may change only where an input changed, so its mask is the union of its inputs'. The values are
 * recomputed at every position: these ops cost one pass over memory, about what reading the masks would, and
 * a recomputed unchanged position gets the same value, so the result is exact.
 */
final class PointwiseStep extends CudaStep {
    /** Enqueues the values' computation. */
    private interface Compute {
        void enqueue(BatchRunner run, Launcher l);
    }

    /** The binary operators combine() in elementwise.cuh computes. */
    private static final java.util.Set<Binary.Kind> GPU_BINARY = java.util.EnumSet.of(Binary.Kind.ADD, Binary.Kind.SUB,
            Binary.Kind.MUL, Binary.Kind.DIV, Binary.Kind.PRELU);

    private final CudaPlan plan;
    private final Compute compute;

    private PointwiseStep(int index, CpuPlan.Step cpu, CudaPlan plan, Compute compute) {
        super(index, cpu);
        this.plan = plan;
        this.compute = compute;
    }

    /**
     * Whether the op has a GPU form at these shapes: activations; binary ops whose inputs are the output's shape,
     * one value per channel of an image, or a scalar; concatenation of images along channels. Every input that
     * can change must change per position of the output or as a whole (a one-position mask).
     */
    static boolean supports(CpuPlan.Step step, CudaPlan plan) {
        SlotLayout out = plan.slots()[step.outputSlot()];
        for (int in : step.inputSlots()) {
            SlotLayout l = plan.slots()[in];
            if (!l.constant() && l.plane() != out.plane() && l.plane() != 1) return false;
        }
        if (step.node().op() instanceof Unary) return true;
        if (step.node().op() instanceof Binary b) {
            if (!GPU_BINARY.contains(b.kind())) return false;
            for (int[] s : step.inputShapes()) if (broadcastPeriod(s, out) < 0) return false;
            return true;
        }
        if (step.node().op() instanceof Concat c) {
            if (!out.image() || Shapes.axis(c.axis(), out.shape().length) != 1) return false;
            for (int[] s : step.inputShapes()) {
                if (!Shapes.isImage(s) || s[2] != out.height() || s[3] != out.width()) return false;
            }
            return true;
        }
        return false;
    }

    /** i % period indexes an input of shape {@code s} at output element i (device layout), or -1 if it cannot. */
    private static long broadcastPeriod(int[] s, SlotLayout out) {
        long size = Shapes.size(s);
        if (java.util.Arrays.equals(s, out.shape())) return out.size();
        if (size == 1) return 1;
        if (out.image() && Shapes.isImage(s) && s[1] == out.channels() && s[2] == 1 && s[3] == 1) return out.channels();
        return -1;
    }

    static PointwiseStep unary(int index, CpuPlan.Step cpu, Unary op, CudaPlan plan) {
        Activation a = op.activation();
        long n = plan.slots()[cpu.outputSlot()].size();
        return new PointwiseStep(index, cpu, plan, (run, l) -> l.launch(Kernels.UNARY, l.blocksFor(n, 8), run.cams(),
                Launcher.BLOCK, new Kernels.Unary(run.val(cpu.inputSlots()[0]), run.val(cpu.outputSlot()), n,
                        a.kind().ordinal(), a.alpha(), a.beta())));
    }

    static PointwiseStep binary(int index, CpuPlan.Step cpu, Binary op, CudaPlan plan) {
        SlotLayout out = plan.slots()[cpu.outputSlot()];
        long n = out.size();
        long aPeriod = broadcastPeriod(cpu.inputShapes()[0], out);
        long bPeriod = broadcastPeriod(cpu.inputShapes()[1], out);
        return new PointwiseStep(index, cpu, plan, (run, l) -> l.launch(Kernels.BINARY, l.blocksFor(n, 8), run.cams(),
                Launcher.BLOCK, new Kernels.Binary(run.val(cpu.inputSlots()[0]), aPeriod, run.val(cpu.inputSlots()[1]),
                        bPeriod, run.val(cpu.outputSlot()), n, op.kind().ordinal())));
    }

    static PointwiseStep concat(int index, CpuPlan.Step cpu, CudaPlan plan) {
        SlotLayout out = plan.slots()[cpu.outputSlot()];
        return new PointwiseStep(index, cpu, plan, (run, l) -> {
            int offset = 0;
            for (int i = 0; i < cpu.inputSlots().length; i++) {
                int c = cpu.inputShapes()[i][1];
                l.launch(Kernels.CONCAT_CHANNELS, l.blocksFor((long) out.plane() * c, 8), run.cams(), Launcher.BLOCK,
                        new Kernels.ConcatChannels(run.val(cpu.inputSlots()[i]), run.val(cpu.outputSlot()), out.plane(), c,
                                out.channels(), offset));
                offset += c;
            }
        });
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        if (run.mode() == BatchRunner.Mode.CHANGE_BASED) unionMasks(run, l);
        compute.enqueue(run, l);
    }

    /** The output mask: union of the changing inputs' masks, four per launch. */
    private void unionMasks(BatchRunner run, Launcher l) {
        SlotLayout out = plan.slots()[outSlot()];
        List<Integer> changing = new ArrayList<>();
        for (int in : cpu.inputSlots()) if (!plan.slots()[in].constant()) changing.add(in);
        int launches = Math.max(1, (changing.size() + 3) / 4);
        for (int k = 0; k < launches; k++) {
            long[] masks = new long[4];
            int[] planes = new int[4];
            int n = 0;
            for (int j = 0; j < 4; j++) {
                int i = 4 * k + j;
                if (i < changing.size()) {
                    masks[j] = run.mask(changing.get(i));
                    planes[j] = plan.slots()[changing.get(i)].plane();
                    n++;
                }
            }
            boolean last = k == launches - 1;
            l.launch(Kernels.MASK_UNION, Launcher.blocks(out.plane()), run.cams(), Launcher.BLOCK, new Kernels.MaskUnion(
                    masks[0], planes[0], masks[1], planes[1], masks[2], planes[2], masks[3], planes[3], n, k > 0 ? 1 : 0,
                    run.mask(outSlot()), out.plane(), last ? run.updated(index) : Launcher.NULL));
        }
    }
}
