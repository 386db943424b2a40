package org.cbinfer.kernels.io.tfjs;

import java.util.List;

/**
 * One entry of a TFJS {@code weightsManifest} group: the weight (named like the Const node it feeds),
 * its shape and original dtype, and how it is stored when quantized.
 */
record WeightSpec(String name, int[] shape, String dtype, Quantization quantization) {
    /** Storage of a quantized weight: {@code float16} halves, or {@code uint8}/{@code uint16} codes q meaning q * scale + min. */
    record Quantization(String dtype, float scale, float min) {}

    /** A group of weights whose bytes are the concatenation of its shard files, in order. */
    record Group(List<String> paths, List<WeightSpec> weights) {}
}
