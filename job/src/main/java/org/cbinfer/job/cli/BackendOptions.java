package org.cbinfer.job.cli;

import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --precision}: where the commands that run a model run it (bench, demo, tune, tradeoff). */
public final class BackendOptions {
    @Option(names = "--backend", paramLabel = "cpu|cuda|auto", defaultValue = "cpu",
            description = "cpu, cuda, or auto: CUDA when a GPU and its kernels are present, else the CPU (default: ${DEFAULT-VALUE})")
    private BackendBuilder.Kind kind;

    @Option(names = "--precision", paramLabel = "fp32|tf32|fp16", defaultValue = "fp32",
            description = "arithmetic of the GPU backend; the CPU computes fp32 (default: ${DEFAULT-VALUE})")
    private Precision precision;

    public BackendBuilder.Kind kind() {
        return kind;
    }

    public Precision precision() {
        return precision;
    }
}
