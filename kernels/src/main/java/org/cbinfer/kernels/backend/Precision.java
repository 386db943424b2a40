package org.cbinfer.kernels.backend;

import java.util.Locale;

/** Arithmetic of a backend's convolutions. The CPU backend computes in {@link #FP32} only. */
public enum Precision {
    /** IEEE single precision throughout; the reference. */
    FP32,
    /** fp32 storage, convolutions on tensor cores with TF32 inputs (10-bit mantissa) and fp32 accumulation. */
    TF32,
    /**
     * fp16 storage of activations, weights and committed inputs, tensor cores with fp32 accumulation;
     * thresholds compare fp16 values.
     */
    FP16;

    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown precision '" + s + "'; expected fp32, tf32 or fp16");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
