package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoHAsync;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoDAsync;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.nio.FloatBuffer;
import org.cbinfer.kernels.cpu.CpuPlan;

/**
 * An op without a GPU kernel, run on the host with its CPU kernel: inputs are copied to the host (NCHW fp32),
 * computed, and copied back, the output's mask marking the positions whose value changed. Exact, but it
 * synchronises the stream, so a plan with a host step is not captured as a CUDA graph.
 */
final class HostStep extends CudaStep {
    private final CudaPlan plan;
    /** The plan's constants by slot (host arrays; null for other slots). */
    private final float[][] constants;

    HostStep(int index, CpuPlan.Step cpu, CudaPlan plan) {
        super(index, cpu);
        this.plan = plan;
        this.constants = new float[plan.slots().length][];
        plan.cpu().loadConstants(constants);
    }

    @Override
    boolean onHost() {
        return true;
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        int cams = run.cams();
        int[] ins = cpu.inputSlots();
        float[][][] inputs = new float[cams][ins.length][];
        FloatBuffer stage = run.hostStageHost().view().asFloatBuffer();
        for (int k = 0; k < ins.length; k++) {
            SlotLayout in = plan.slots()[ins[k]];
            if (in.constant()) {
                for (int c = 0; c < cams; c++) inputs[c][k] = constants[ins[k]];
                continue;
            }
            int size = (int) in.size();
            l.launch(Kernels.STORE_OUTPUT, l.blocksFor(in.size(), 4), cams, Launcher.BLOCK,
                    new Kernels.StoreOutput(run.val(ins[k]), run.hostStage().address(), in.channels(), in.plane()));
            check(cuMemcpyDtoHAsync(run.hostStageHost().pointer(), run.hostStage().address(), 4L * cams * size, l.stream()),
                    "cuMemcpyDtoHAsync");
            run.synchronize();
            for (int c = 0; c < cams; c++) {
                inputs[c][k] = new float[size];
                stage.get(c * size, inputs[c][k], 0, size);
            }
        }
        SlotLayout out = plan.slots()[outSlot()];
        int size = (int) out.size();
        for (int c = 0; c < cams; c++) {
            float[] result = new float[size];
            cpu.kernel().compute(inputs[c], result, null, 0);
            stage.put(c * size, result, 0, size);
        }
        check(cuMemcpyHtoDAsync(run.hostStage().address(), run.hostStageHost().pointer(), 4L * cams * size, l.stream()),
                "cuMemcpyHtoDAsync");
        l.launch(Kernels.LOAD_INPUT, Launcher.blocks(out.plane()), cams, Launcher.BLOCK, new Kernels.LoadInput(
                run.hostStage().address(), run.val(outSlot()), run.mask(outSlot()), run.keyframes(), run.updated(index),
                Launcher.NULL, out.channels(), out.plane()));
        // The staging buffer is reused by the next host step: its upload must be done first.
        run.synchronize();
    }
}
