// Frames in and outputs out: a camera's frame staged on the device (NCHW fp32 tensors, or 8-bit RGB) into its
// NHWC value buffer with the change mask of the input, and value buffers back to NCHW fp32 for the host.
#pragma once

#include "common.cuh"

// Copies each camera's NCHW float frame into its NHWC value buffer and marks the positions whose value
// differs from the stored one (every position on a keyframe). Records the first NaN or infinite value of each
// camera's frame as INT_MAX - its flat NCHW index in nonFinite[cam] (0: none; the counters start at 0), unless
// nonFinite is null (constants and host-computed values are not inputs).
// grid: (ceil(plane / block), cameras).
template <typename T>
__device__ void load_input(const float* __restrict__ staged, T* const* values, u8* const* masks,
                           const int* __restrict__ keyframes, int* cameraCounts, int* nonFinite, int channels,
                           int plane) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < plane) {
        const float* src = staged + (size_t) cam * channels * plane + p;
        T* v = values[cam] + (size_t) p * channels;
        changed = keyframes[cam];
        int firstBad = -1;
        for (int c = 0; c < channels; c++) {
            float x = src[(size_t) c * plane];
            if (firstBad < 0 && !isfinite(x)) firstBad = c;
            T before = v[c];
            store_f(&v[c], x);
            changed |= bits_of(before) != bits_of(v[c]);
        }
        if (firstBad >= 0 && nonFinite != nullptr) atomicMax(nonFinite + cam, 0x7FFFFFFF - (firstBad * plane + p));
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, cameraCounts + cam);
}

// The same for 8-bit RGB frames (3 interleaved bytes a pixel, camera after camera): each byte becomes lut[byte],
// the table the host computed with the CPU's own conversion, so both backends see the same values.
template <typename T>
__device__ void load_rgb8(const u8* __restrict__ staged, const float* __restrict__ lut, T* const* values,
                          u8* const* masks, const int* __restrict__ keyframes, int* cameraCounts, int plane) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < plane) {
        const u8* px = staged + ((size_t) cam * plane + p) * 3;
        T* v = values[cam] + (size_t) p * 3;
        changed = keyframes[cam];
        for (int c = 0; c < 3; c++) {
            T before = v[c];
            store_f(&v[c], lut[px[c]]);
            changed |= bits_of(before) != bits_of(v[c]);
        }
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, cameraCounts + cam);
}

// The opposite: NHWC (or, for non-image values, flat) T to NCHW float for the host. grid: (blocks, cameras).
template <typename T>
__device__ void store_output(T* const* values, float* __restrict__ staged, int channels, int plane) {
    int cam = blockIdx.y;
    long n = (long) channels * plane;
    const T* v = values[cam];
    float* dst = staged + (size_t) cam * n;
    grid_loop(n, [&](auto i) {
        int p = (int) (i / channels), c = (int) (i - (long) p * channels);
        dst[(size_t) c * plane + p] = load_f(&v[i]);
    });
}

CB_TYPED(load_input,
         (const float* staged, T* const* values, u8* const* masks, const int* keyframes, int* cameraCounts,
          int* nonFinite, int channels, int plane),
         (staged, values, masks, keyframes, cameraCounts, nonFinite, channels, plane))
CB_TYPED(load_rgb8,
         (const u8* staged, const float* lut, T* const* values, u8* const* masks, const int* keyframes,
          int* cameraCounts, int plane),
         (staged, lut, values, masks, keyframes, cameraCounts, plane))
CB_TYPED(store_output, (T* const* values, float* staged, int channels, int plane), (values, staged, channels, plane))

// Weights at plan time: fp32 host values to the device's fp16 storage.
extern "C" __global__ void to_half_f32(const float* input, __half* output, long count) {
    grid_loop(count, [&](auto i) {
        output[i] = __float2half_rn(input[i]);
    });
}
