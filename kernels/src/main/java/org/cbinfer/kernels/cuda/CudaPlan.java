package org.cbinfer.kernels.cuda;

import java.util.ArrayList;
import java.util.List;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.cpu.Kernel;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Unary;

/**
 * A {@link CpuPlan} (graph bound to input sizes) on one GPU: how each value is laid out, the device form of each
 * step with its weights and tap tables uploaded, and the constants shared by all cameras. Ops with a GPU kernel
 * run on the device; any other op runs on the host with the CPU kernel (correct, but the frame then cannot be
 * one CUDA graph); a change-based op without a GPU form is refused.
 */
final class CudaPlan implements AutoCloseable {
    /** Positions per image a list entry can address (the camera takes the bits above). */
    static final int MAX_PLANE = KernelConstants.MAX_PLANE;

    private final CpuPlan cpu;
    private final Precision precision;
    private final boolean recursive;
    private final long gatherBudget;
    private final SlotLayout[] slots;
    private final List<CudaStep> steps = new ArrayList<>();
    private final DeviceBuffer[] constants;
    private final DeviceBuffer zeroMask;
    private final DeviceMemoryPool pool;
    private final Transfers transfers;
    private final Libraries libraries;
    private final boolean capturable;

    CudaPlan(CpuPlan cpu, Precision precision, Thresholds thresholds, boolean recursive, long gatherBudget,
             Transfers transfers, DeviceMemoryPool pool, Libraries libraries) {
        this.cpu = cpu;
        this.precision = precision;
        this.recursive = recursive;
        this.gatherBudget = gatherBudget;
        this.pool = pool;
        this.transfers = transfers;
        this.libraries = libraries;
        this.slots = new SlotLayout[cpu.slotCount()];
        java.util.Set<Integer> constantSlots = new java.util.HashSet<>();
        cpu.graph().constants().keySet().forEach(c -> constantSlots.add(cpu.slot(c)));
        int maxPlane = 1;
        for (int s = 0; s < slots.length; s++) {
            slots[s] = SlotLayout.of(cpu.slotShape(s), constantSlots.contains(s));
            maxPlane = Math.max(maxPlane, slots[s].plane());
        }
        if (maxPlane > MAX_PLANE) {
            throw new ModelException(cpu.graph().inputs().get(0).name(), "images of " + maxPlane
                    + " positions exceed the CUDA backend's limit of " + MAX_PLANE);
        }
        this.constants = new DeviceBuffer[slots.length];
        try {
            float[][] values = new float[slots.length][];
            cpu.loadConstants(values);
            for (int s : constantSlots) {
                constants[s] = pool.allocate((long) transfers.elementBytes() * slots[s].size());
                transfers.upload(values[s], constants[s], slots[s]);
            }
            this.zeroMask = pool.allocateZeroed(maxPlane);
            for (CpuPlan.Step step : cpu.steps()) steps.add(stepFor(steps.size(), step, thresholds, transfers));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.capturable = steps.stream().noneMatch(CudaStep::onHost);
    }

    private CudaStep stepFor(int index, CpuPlan.Step step, Thresholds thresholds, Transfers transfers) {
        Op op = step.node().op();
        if (op instanceof Conv2d c) {
            return ConvStep.forward(index, step, c, this, thresholds.of(step.node().name()), transfers);
        }
        if (op instanceof ConvTranspose2d t) {
            return ConvStep.transposed(index, step, t, this, thresholds.of(step.node().name()), transfers);
        }
        if (op instanceof Pool p) return new PoolStep(index, step, p, this, transfers);
        if (op instanceof Resize r && slots[step.inputSlots()[0]].image() && slots[step.outputSlot()].image()) {
            return new ResizeStep(index, step, r, this, transfers);
        }
        if (op instanceof GlobalAveragePool) return new GlobalAveragePoolStep(index, step, this);
        if (PointwiseStep.supports(step, this)) {
            if (op instanceof Unary u) return PointwiseStep.unary(index, step, u, this);
            if (op instanceof Binary b) return PointwiseStep.binary(index, step, b, this);
            if (op instanceof Concat) return PointwiseStep.concat(index, step, this);
        }
        if (step.kernel().rule() == Kernel.Rule.DETECT) {
            throw new ModelException(step.node().name(), op.type() + " has no change-based CUDA kernel");
        }
        return new HostStep(index, step, this);
    }

    CpuPlan cpu() {
        return cpu;
    }

    SlotLayout[] slots() {
        return slots;
    }

    List<CudaStep> steps() {
        return steps;
    }

    int[] inputSlots() {
        return cpu.inputSlots();
    }

    int[] outputSlots() {
        return cpu.outputSlots();
    }

    DeviceBuffer constant(int slot) {
        return constants[slot];
    }

    /** A mask of zeros as large as the largest plane: the change mask of every constant. */
    DeviceBuffer zeroMask() {
        return zeroMask;
    }

    Precision precision() {
        return precision;
    }

    boolean recursive() {
        return recursive;
    }

    /** Bytes of gathered GEMM rows a batch may hold at once. */
    long gatherBudget() {
        return gatherBudget;
    }

    int elementBytes() {
        return precision == Precision.FP16 ? 2 : 4;
    }

    /** Uploads of weights and tables (plan time). */
    Transfers transfers() {
        return transfers;
    }

    Libraries libraries() {
        return libraries;
    }

    /** False when a step runs on the host. */
    boolean capturable() {
        return capturable;
    }

    DeviceMemoryPool pool() {
        return pool;
    }

    @Override
    public void close() {
        for (CudaStep s : steps) s.close();
        for (DeviceBuffer b : constants) pool.release(b);
        pool.release(zeroMask);
    }
}
