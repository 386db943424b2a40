// Post-processing on the device, so that only results go down: label maps of segmentation outputs, one byte a
// pixel instead of the class scores. The rule is org.cbinfer.kernels.post.LabelRule's, bit for bit (the GPU tests
// compare the two on the same scores).
#pragma once

#include "common.cuh"

// Each camera's label map of an image output (NHWC, channels contiguous) into labels[cam][plane]:
// channels > 1: the first channel holding the largest value that is not NaN (0 when all are NaN);
// channels == 1: 1 where the value is above cut (the probability threshold, or its logit for logit outputs;
// LabelRule rounds it to the float that decides every float as the exact threshold would), else 0, NaN 0.
// Values are compared in fp32, as the CPU compares the fp32 values the output would have been downloaded as.
// grid: (blocks, cameras).
template <typename T>
__device__ void label_output(T* const* values, u8* __restrict__ labels, int channels, int plane, float cut) {
    int cam = blockIdx.y;
    const T* v = values[cam];
    u8* dst = labels + (size_t) cam * plane;
    grid_loop(plane, [&](auto p) {
        const T* x = v + (size_t) p * channels;
        int best;
        if (channels == 1) {
            best = load_f(x) > cut ? 1 : 0;
        } else {
            best = -1;
            float bestValue = 0.f;
            for (int c = 0; c < channels; c++) {
                float value = load_f(&x[c]);
                if (value == value && (best < 0 || value > bestValue)) {
                    best = c;
                    bestValue = value;
                }
            }
            best = max(best, 0);
        }
        dst[p] = (u8) best;
    });
}

CB_TYPED(label_output, (T* const* values, u8* labels, int channels, int plane, float cut),
         (values, labels, channels, plane, cut))
