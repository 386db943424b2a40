// Window ops: pooling and resizing at the listed output positions (each reads a window of input positions given
// by tap tables), and the global average, which any changed position moves.
#pragma once

#include "common.cuh"

// Max or average pooling at the listed positions; the average divides by rowDivisors[oy] * columnDivisors[ox]
// (taps inside the input, or the window including padding, as the op says). One thread per (position,
// channel).
template <typename T>
__device__ void pool(T* const* inputs, T* const* outputs, const int* __restrict__ list, const int* __restrict__ listCount,
                     int fixedCount, int outPlane, const int* __restrict__ rowTaps, int tapsY,
                     const int* __restrict__ columnTaps, int tapsX, int inWidth, int outWidth, int channels, int isMax,
                     const int* __restrict__ rowDivisors, const int* __restrict__ columnDivisors) {
    const long total = (long) entry_count(listCount, fixedCount) * channels;
    grid_loop(total, [&](auto i) {
        const long e = i / channels;
        const int c = (int) (i - e * channels);
        int cam, pos;
        decode_entry(list, e, outPlane, cam, pos);
        const int oy = pos / outWidth, ox = pos - oy * outWidth;
        const T* x = inputs[cam];
        float acc = isMax ? -INFINITY : 0.f;
        for (int j = 0; j < tapsY; j++) {
            int iy = rowTaps[oy * tapsY + j];
            if (iy < 0) continue;
            for (int k = 0; k < tapsX; k++) {
                int ix = columnTaps[ox * tapsX + k];
                if (ix < 0) continue;
                float v = load_f(&x[((size_t) iy * inWidth + ix) * channels + c]);
                if (isMax) {
                    if (v > acc || v != v) acc = v;
                } else {
                    acc += v;
                }
            }
        }
        if (!isMax) acc = acc / (float) (rowDivisors[oy] * columnDivisors[ox]);
        store_f(&outputs[cam][(size_t) pos * channels + c], acc);
    });
}

// Nearest or linear resize at the listed positions: the taps' weighted sum, summed along x within each source
// row, then the rows weighted along y, as the CPU's ResizeKernel sums. One thread per (position, channel).
template <typename T>
__device__ void resize(T* const* inputs, T* const* outputs, const int* __restrict__ list,
                       const int* __restrict__ listCount, int fixedCount, int outPlane, const int* __restrict__ rowTaps,
                       int tapsY, const int* __restrict__ columnTaps, int tapsX, int inWidth, int outWidth,
                       int channels, const float* __restrict__ rowWeights, const float* __restrict__ columnWeights) {
    const long total = (long) entry_count(listCount, fixedCount) * channels;
    grid_loop(total, [&](auto i) {
        const long e = i / channels;
        const int c = (int) (i - e * channels);
        int cam, pos;
        decode_entry(list, e, outPlane, cam, pos);
        const int oy = pos / outWidth, ox = pos - oy * outWidth;
        const T* x = inputs[cam];
        float acc = 0.f;
        for (int j = 0; j < tapsY; j++) {
            const T* row = x + (size_t) rowTaps[oy * tapsY + j] * inWidth * channels;
            float rowAcc = 0.f;
            for (int k = 0; k < tapsX; k++) {
                rowAcc += columnWeights[ox * tapsX + k] * load_f(&row[(size_t) columnTaps[ox * tapsX + k] * channels + c]);
            }
            acc += rowWeights[oy * tapsY + j] * rowAcc;
        }
        store_f(&outputs[cam][(size_t) pos * channels + c], acc);
    });
}

// Mean over positions per channel. grid: (ceil(channels / block), cameras).
template <typename T>
__device__ void global_average_pool(T* const* inputs, T* const* outputs, int channels, int plane) {
    int cam = blockIdx.y;
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= channels) return;
    const T* x = inputs[cam];
    float s = 0.f;
    for (int p = 0; p < plane; p++) s += load_f(&x[(size_t) p * channels + c]);
    store_f(&outputs[cam][c], s / (float) plane);
}

CB_TYPED(pool,
         (T* const* inputs, T* const* outputs, const int* list, const int* listCount, int fixedCount, int outPlane,
          const int* rowTaps, int tapsY, const int* columnTaps, int tapsX, int inWidth, int outWidth, int channels,
          int isMax, const int* rowDivisors, const int* columnDivisors),
         (inputs, outputs, list, listCount, fixedCount, outPlane, rowTaps, tapsY, columnTaps, tapsX, inWidth, outWidth,
          channels, isMax, rowDivisors, columnDivisors))
CB_TYPED(resize,
         (T* const* inputs, T* const* outputs, const int* list, const int* listCount, int fixedCount, int outPlane,
          const int* rowTaps, int tapsY, const int* columnTaps, int tapsX, int inWidth, int outWidth, int channels,
          const float* rowWeights, const float* columnWeights),
         (inputs, outputs, list, listCount, fixedCount, outPlane, rowTaps, tapsY, columnTaps, tapsX, inWidth, outWidth,
          channels, rowWeights, columnWeights))
CB_TYPED(global_average_pool, (T* const* inputs, T* const* outputs, int channels, int plane),
         (inputs, outputs, channels, plane))
