// Dilation and compaction: from the positions a layer's input changed at to the output positions it must
// recompute (through its receptive field), listed for the batch; and the masks of ops whose output changes
// wherever an input did.
#pragma once

#include "common.cuh"

// Marks each output position whose receptive field (separable tap tables rowTaps x columnTaps, -1 = outside)
// holds a marked input position (every position of a camera whose layer is whole this frame), and appends the
// marked ones to the batch's list (warp-aggregated atomics; the order of entries does not matter, every entry is
// computed on its own). grid: (ceil(outHeight * outWidth / block), cameras).
extern "C" __global__ void dilate_compact_u8(u8* const* inputMasks, u8* const* outputMasks, const int* keyframes,
                                             const int* rowTaps, int tapsY, const int* columnTaps, int tapsX,
                                             int inWidth, int outHeight, int outWidth, int* list, int* listCount,
                                             int* cameraCounts) {
    int cam = blockIdx.y;
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    int m = 0;
    if (o < outHeight * outWidth) {
        if (keyframes[cam]) {
            m = 1;
        } else {
            int oy = o / outWidth, ox = o - oy * outWidth;
            const u8* in = inputMasks[cam];
            for (int j = 0; j < tapsY && !m; j++) {
                int iy = rowTaps[oy * tapsY + j];
                if (iy < 0) continue;
                const u8* row = in + (size_t) iy * inWidth;
                for (int k = 0; k < tapsX && !m; k++) {
                    int ix = columnTaps[ox * tapsX + k];
                    m = ix >= 0 && row[ix] != 0;
                }
            }
        }
        outputMasks[cam][o] = (u8) m;
    }
    unsigned b = __ballot_sync(0xffffffffu, m);
    int lane = threadIdx.x & 31;
    int base = 0;
    if (lane == 0 && b != 0u) {
        int n = __popc(b);
        if (list != nullptr) base = atomicAdd(listCount, n);
        atomicAdd(cameraCounts + cam, n);
    }
    base = __shfl_sync(0xffffffffu, base, 0);
    if (m && list != nullptr) list[base + __popc(b & ((1u << lane) - 1u))] = (cam << CB_CAMERA_SHIFT) | o;
}

// Marks every output position of each camera as updated, for a layer computed densely (dense fallback): the
// steps after it treat its whole output as changed. grid: (ceil(plane / block), cameras).
extern "C" __global__ void fill_mask_u8(u8* const* masks, int plane, int* cameraCounts) {
    const int cam = blockIdx.y, p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p < plane) masks[cam][p] = 1;
    count_warp(p < plane, cameraCounts + cam);
}

// Union of up to four inputs' change masks (a one-position mask is a broadcast input: it changes every
// position). `accumulate` ORs into the existing mask (for more than four inputs). grid: (blocks, cameras).
extern "C" __global__ void mask_union_u8(u8* const* mask0, int plane0, u8* const* mask1, int plane1,
                                         u8* const* mask2, int plane2, u8* const* mask3, int plane3, int inputs,
                                         int accumulate, u8* const* output, int plane, int* cameraCounts) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int m = 0;
    if (p < plane) {
        u8* const* ms[4] = {mask0, mask1, mask2, mask3};
        int ps[4] = {plane0, plane1, plane2, plane3};
        m = accumulate ? output[cam][p] : 0;
        for (int i = 0; i < inputs; i++) m |= ms[i][cam][ps[i] == 1 ? 0 : p];
        output[cam][p] = (u8) m;
    }
    count_warp(m, cameraCounts + cam);
}
