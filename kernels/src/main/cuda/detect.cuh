// Change detection: which input positions of a change-based layer moved by more than its threshold since they
// were last committed (and the commit itself), and, for ops without a change-based form, which positions of a
// freshly computed value differ from the stored one.
#pragma once

#include "common.cuh"

// Fused change detection and commit for one change-based layer: at each position its input may have changed at
// (inputMasks), the largest channel difference from the committed input is compared with the threshold (NaN
// counts as changed); changed positions are committed (every candidate in the non-recursive ablation) and
// marked in `detected`. A camera whose layer is whole this frame (keyframes[cam]: a keyframe, a re-commit, or
// the dense fallback, whose committed table entry is its current input) commits everything.
// grid: (ceil(plane / block), cameras).
template <typename T>
__device__ void detect_commit(T* const* inputs, T* const* committed, u8* const* inputMasks, u8* const* detected,
                              const int* __restrict__ keyframes, int* cameraCounts, int channels, int plane,
                              float threshold, int recursive) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < plane) {
        const T* x = inputs[cam] + (size_t) p * channels;
        T* c = committed[cam] + (size_t) p * channels;
        if (keyframes[cam]) {
            if (c != x) for (int k = 0; k < channels; k++) c[k] = x[k];
            changed = 1;
        } else if (inputMasks[cam][p]) {
            float d = 0.f;
            for (int k = 0; k < channels; k++) {
                float diff = fabsf(load_f(&x[k]) - load_f(&c[k]));
                if (!(diff <= d)) d = diff;  // keeps NaN
            }
            changed = !(d <= threshold);
            if (changed || !recursive) {
                for (int k = 0; k < channels; k++) c[k] = x[k];
            }
        }
        detected[cam][p] = (u8) changed;
    }
    count_warp(changed, cameraCounts + cam);
}

// The same for inputs of 32 channels or more: one warp per position, lanes over channels, so the loads of a
// position's channel vector are coalesced. grid: (ceil(plane * 32 / block), cameras).
template <typename T>
__device__ void detect_commit_wide(T* const* inputs, T* const* committed, u8* const* inputMasks,
                                   u8* const* detected, const int* __restrict__ keyframes, int* cameraCounts,
                                   int channels, int plane, float threshold, int recursive) {
    __shared__ int blockCount;
    int cam = blockIdx.y;
    int lane = threadIdx.x & 31;
    int p = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (threadIdx.x == 0) blockCount = 0;
    __syncthreads();
    if (p < plane) {
        const T* x = inputs[cam] + (size_t) p * channels;
        T* c = committed[cam] + (size_t) p * channels;
        int changed = 0;
        if (keyframes[cam]) {
            if (c != x) for (int k = lane; k < channels; k += 32) c[k] = x[k];
            changed = 1;
        } else if (inputMasks[cam][p]) {
            float d = 0.f;
            for (int k = lane; k < channels; k += 32) {
                float diff = fabsf(load_f(&x[k]) - load_f(&c[k]));
                if (!(diff <= d)) d = diff;  // keeps NaN
            }
            for (int off = 16; off > 0; off >>= 1) {
                float o = __shfl_xor_sync(0xffffffffu, d, off);
                if (d == d && !(o <= d)) d = o;  // NaN wins
            }
            changed = !(d <= threshold);
            if (changed || !recursive) {
                for (int k = lane; k < channels; k += 32) c[k] = x[k];
            }
        }
        if (lane == 0) {
            detected[cam][p] = (u8) changed;
            if (changed) atomicAdd(&blockCount, 1);
        }
    }
    __syncthreads();
    if (threadIdx.x == 0 && blockCount > 0 && cameraCounts != nullptr) atomicAdd(cameraCounts + cam, blockCount);
}

// For ops without a change-based form: compares a freshly computed value with the stored one per position
// (bitwise, all channels), marks the differing positions (all on a keyframe) and stores the fresh value.
template <typename T>
__device__ void diff_copy(T* const* fresh, T* const* values, u8* const* masks, const int* __restrict__ keyframes,
                          int* cameraCounts, int channels, int plane) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < plane) {
        const T* f = fresh[cam] + (size_t) p * channels;
        T* v = values[cam] + (size_t) p * channels;
        changed = keyframes[cam];
        for (int c = 0; c < channels; c++) {
            changed |= bits_of(f[c]) != bits_of(v[c]);
            v[c] = f[c];
        }
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, cameraCounts + cam);
}

CB_TYPED(detect_commit,
         (T* const* inputs, T* const* committed, u8* const* inputMasks, u8* const* detected, const int* keyframes,
          int* cameraCounts, int channels, int plane, float threshold, int recursive),
         (inputs, committed, inputMasks, detected, keyframes, cameraCounts, channels, plane, threshold, recursive))
CB_TYPED(detect_commit_wide,
         (T* const* inputs, T* const* committed, u8* const* inputMasks, u8* const* detected, const int* keyframes,
          int* cameraCounts, int channels, int plane, float threshold, int recursive),
         (inputs, committed, inputMasks, detected, keyframes, cameraCounts, channels, plane, threshold, recursive))
CB_TYPED(diff_copy,
         (T* const* fresh, T* const* values, u8* const* masks, const int* keyframes, int* cameraCounts,
          int channels, int plane),
         (fresh, values, masks, keyframes, cameraCounts, channels, plane))
