// Convolution at the listed output positions. Most layers: gather the listed positions' im2col rows into a
// contiguous matrix, multiply it by the weights with cuBLASLt (host side: GemmStep), scatter the products into
// the cameras' outputs with bias and activation. The rows of a frame are counted on the device; they are
// processed in chunks of at most chunkRows: the first chunk's GEMM is chosen among row-count buckets by a CUDA
// graph switch node that gather_rows sets, later chunks (keyframes, large changes) run in a graph while loop
// that scatter_rows and next_chunk drive. Depthwise layers and first layers of few channels have direct kernels.
#pragma once

#include "common.cuh"

// The entries [first, first + rows) of this chunk: chunk = chunkBase + *chunkCounter (chunkCounter null: 0).
__device__ __forceinline__ int chunk_rows(const int* listCount, int fixedCount, const int* chunkCounter,
                                          int chunkBase, int chunkRows, long& first) {
    const int count = entry_count(listCount, fixedCount);
    const long chunk = chunkBase + (chunkCounter != nullptr ? *chunkCounter : 0);
    first = chunk * chunkRows;
    const long left = count - first;
    return left <= 0 ? 0 : (int) (left < chunkRows ? left : chunkRows);
}

// Copies the im2col rows of the chunk's entries into `gathered` ([rows][groups][groupLength], groupLength =
// the group's kernelH * kernelW * inChannels / groups values, ordered (ky, kx, channel), padded with zeros to a
// multiple of 16 bytes), in pieces of V (16, 8, 4 or 2 bytes: a piece never spans two taps). Taps outside the
// input are zeros. Thread 0 sets the switch `bucketSwitch` (when not 0) to the first bucket of at least `rows`
// rows (buckets when there are none: no GEMM runs).
template <typename T, typename V>
__device__ void gather_rows(T* const* inputs, T* gathered, const int* __restrict__ list,
                            const int* __restrict__ listCount, int fixedCount, const int* __restrict__ chunkCounter,
                            int chunkBase, int chunkRows, int outPlane, const int* __restrict__ rowTaps,
                            const int* __restrict__ columnTaps, int kernelH, int kernelW, int inWidth, int outWidth,
                            int inChannels, int groups, int groupLength, const int* __restrict__ bucketRows,
                            int buckets, cudaGraphConditionalHandle bucketSwitch) {
    long first;
    const int rows = chunk_rows(listCount, fixedCount, chunkCounter, chunkBase, chunkRows, first);
    if (bucketSwitch != 0 && blockIdx.x == 0 && threadIdx.x == 0) {
        int b = 0;
        while (b < buckets && bucketRows[b] < rows) b++;
        cudaGraphSetConditional(bucketSwitch, rows == 0 ? buckets : b);
    }
    constexpr int E = (int) (sizeof(V) / sizeof(T));  // elements a piece
    const int groupChannels = inChannels / groups;
    const int groupTaps = kernelH * kernelW * groupChannels;
    const int piecesPerGroup = groupLength / E;
    const int piecesPerRow = groups * piecesPerGroup;
    const int total = rows * piecesPerRow;  // a chunk fits the gather budget: 32-bit indices
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        const int r = i / piecesPerRow;
        const int j = i - r * piecesPerRow;
        const int g = j / piecesPerGroup;
        const int k = (j - g * piecesPerGroup) * E;
        V piece;
        memset(&piece, 0, sizeof(V));
        if (k < groupTaps) {
            int cam, pos;
            decode_entry(list, first + r, outPlane, cam, pos);
            const int oy = pos / outWidth, ox = pos - oy * outWidth;
            const int tap = k / groupChannels, channel = k - tap * groupChannels;
            const int ky = tap / kernelW, kx = tap - ky * kernelW;
            const int iy = rowTaps[oy * kernelH + ky], ix = columnTaps[ox * kernelW + kx];
            if (iy >= 0 && ix >= 0) {
                piece = *reinterpret_cast<const V*>(
                        inputs[cam] + ((size_t) iy * inWidth + ix) * inChannels + g * groupChannels + channel);
            }
        }
        *reinterpret_cast<V*>(gathered + (size_t) r * groups * groupLength + (size_t) g * groupLength + k) = piece;
    }
}

// Writes the chunk's GEMM products (fp32 rows of productStride values: groupStride per group, the first groupOut of
// them products, the rest padding) to the listed positions of the cameras' outputs: act(product + bias). Thread 0 sets the while loop `moreChunks` (when not 0) to whether entries remain after
// this chunk.
template <typename T>
__device__ void scatter_rows(const float* __restrict__ products, T* const* outputs, const float* __restrict__ bias,
                             const int* __restrict__ list, const int* __restrict__ listCount, int fixedCount,
                             const int* __restrict__ chunkCounter, int chunkBase, int chunkRows, int outPlane,
                             int outChannels, int groupOut, int groupStride, int productStride, int activation,
                             float alpha, float beta, cudaGraphConditionalHandle moreChunks) {
    long first;
    const int rows = chunk_rows(listCount, fixedCount, chunkCounter, chunkBase, chunkRows, first);
    if (moreChunks != 0 && blockIdx.x == 0 && threadIdx.x == 0) {
        cudaGraphSetConditional(moreChunks, entry_count(listCount, fixedCount) > first + chunkRows ? 1u : 0u);
    }
    const int total = rows * outChannels;  // a chunk's products fit the gather budget: 32-bit indices
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        const int r = i / outChannels;
        const int c = i - r * outChannels;
        const int g = c / groupOut;
        int cam, pos;
        decode_entry(list, first + r, outPlane, cam, pos);
        const float v = products[(size_t) r * productStride + g * groupStride + (c - g * groupOut)];
        store_f(&outputs[cam][(size_t) pos * outChannels + c], activate(v + bias[c], activation, alpha, beta));
    }
}

// A convolution of few input channels (an RGB frame's first layer: K = kernelH * kernelW * inChannels small) at
// the listed positions, direct rather than as a GEMM (whose rows would be mostly padding): one thread per
// (position, chunk of 16 output channels), exact fp32 products and sums. The weights ([K][outChannels], at most
// CB_SMALL_CONV_WEIGHTS values) are staged in shared memory as floats; neighbouring threads take neighbouring
// positions of one chunk, so they read the same weights.
template <typename T>
__device__ void conv_small(T* const* inputs, T* const* outputs, const float* __restrict__ weights,
                           const float* __restrict__ bias, const int* __restrict__ list,
                           const int* __restrict__ listCount, int fixedCount, int outPlane,
                           const int* __restrict__ rowTaps, const int* __restrict__ columnTaps, int kernelH,
                           int kernelW, int inWidth, int outWidth, int inChannels, int outChannels, int activation,
                           float alpha, float beta) {
    __shared__ __align__(16) float w[CB_SMALL_CONV_WEIGHTS];
    const int K = kernelH * kernelW * inChannels;
    for (int i = threadIdx.x; i < K * outChannels; i += blockDim.x) w[i] = weights[i];
    __syncthreads();
    const int count = entry_count(listCount, fixedCount);
    const int chunks = (outChannels + 15) / 16;
    const long total = (long) count * chunks;
    grid_loop(total, [&](auto i) {
        const int chunk = (int) (i / count), e = (int) (i - (long) chunk * count), co0 = chunk * 16;
        int cam, pos;
        decode_entry(list, e, outPlane, cam, pos);
        const int oy = pos / outWidth, ox = pos - oy * outWidth;
        const T* x = inputs[cam];
        float acc[16];
#pragma unroll
        for (int j = 0; j < 16; j++) acc[j] = 0.f;
        for (int ky = 0; ky < kernelH; ky++) {
            const int iy = rowTaps[oy * kernelH + ky];
            if (iy < 0) continue;
            for (int kx = 0; kx < kernelW; kx++) {
                const int ix = columnTaps[ox * kernelW + kx];
                if (ix < 0) continue;
                const T* px = x + ((size_t) iy * inWidth + ix) * inChannels;
                const float* wk = w + ((ky * kernelW + kx) * inChannels) * outChannels + co0;
                for (int ci = 0; ci < inChannels; ci++, wk += outChannels) {
                    const float v = load_f(&px[ci]);
#pragma unroll
                    for (int j = 0; j < 16; j++) {
                        if (co0 + j < outChannels) acc[j] = fmaf(v, wk[j], acc[j]);
                    }
                }
            }
        }
        T* out = outputs[cam] + (size_t) pos * outChannels;
#pragma unroll
        for (int j = 0; j < 16; j++) {
            if (co0 + j < outChannels) store_f(&out[co0 + j], activate(acc[j] + bias[co0 + j], activation, alpha, beta));
        }
    });
}

// Depthwise convolution (groups == inChannels, outChannels = inChannels * multiplier) at the listed positions:
// one thread per (position, output channel), so a warp reads consecutive channels of one input position.
// Weights [outChannels][kernelH * kernelW].
template <typename T>
__device__ void conv_depthwise(T* const* inputs, T* const* outputs, const float* __restrict__ weights,
                               const float* __restrict__ bias, const int* __restrict__ list,
                               const int* __restrict__ listCount, int fixedCount, int outPlane,
                               const int* __restrict__ rowTaps, const int* __restrict__ columnTaps, int kernelH,
                               int kernelW, int inWidth, int outWidth, int inChannels, int outChannels,
                               int activation, float alpha, float beta) {
    const long total = (long) entry_count(listCount, fixedCount) * outChannels;
    const int mult = outChannels / inChannels;
    grid_loop(total, [&](auto i) {
        const long e = i / outChannels;
        const int co = (int) (i - e * outChannels), ci = co / mult;
        int cam, pos;
        decode_entry(list, e, outPlane, cam, pos);
        const int oy = pos / outWidth, ox = pos - oy * outWidth;
        const T* x = inputs[cam];
        const float* w = weights + (size_t) co * kernelH * kernelW;
        float acc = 0.f;
        for (int ky = 0; ky < kernelH; ky++) {
            int iy = rowTaps[oy * kernelH + ky];
            if (iy < 0) continue;
            for (int kx = 0; kx < kernelW; kx++) {
                int ix = columnTaps[ox * kernelW + kx];
                if (ix >= 0) acc = fmaf(w[ky * kernelW + kx], load_f(&x[((size_t) iy * inWidth + ix) * inChannels + ci]), acc);
            }
        }
        store_f(&outputs[cam][(size_t) pos * outChannels + co], activate(acc + bias[co], activation, alpha, beta));
    });
}

// The gather in pieces of pieceBytes (16, 8 or 4; anything else: one element), the largest that divides a
// group's channel run in bytes, chosen once per layer.
template <typename T>
__device__ void gather_rows_by(T* const* inputs, T* gathered, const int* list, const int* listCount, int fixedCount,
                               const int* chunkCounter, int chunkBase, int chunkRows, int outPlane, const int* rowTaps,
                               const int* columnTaps, int kernelH, int kernelW, int inWidth, int outWidth,
                               int inChannels, int groups, int groupLength, int pieceBytes, const int* bucketRows,
                               int buckets, cudaGraphConditionalHandle bucketSwitch) {
#define CB_GATHER(V)                                                                                               \
    gather_rows<T, V>(inputs, gathered, list, listCount, fixedCount, chunkCounter, chunkBase, chunkRows, outPlane, \
                      rowTaps, columnTaps, kernelH, kernelW, inWidth, outWidth, inChannels, groups, groupLength,    \
                      bucketRows, buckets, bucketSwitch)
    switch (pieceBytes) {
        case 16: CB_GATHER(uint4); break;
        case 8: CB_GATHER(uint2); break;
        case 4: CB_GATHER(unsigned); break;
        default: CB_GATHER(T); break;  // one element
    }
#undef CB_GATHER
}

CB_TYPED(gather_rows_by,
         (T* const* inputs, T* gathered, const int* list, const int* listCount, int fixedCount, const int* chunkCounter,
          int chunkBase, int chunkRows, int outPlane, const int* rowTaps, const int* columnTaps, int kernelH,
          int kernelW, int inWidth, int outWidth, int inChannels, int groups, int groupLength, int pieceBytes,
          const int* bucketRows, int buckets, unsigned long long bucketSwitch),
         (inputs, gathered, list, listCount, fixedCount, chunkCounter, chunkBase, chunkRows, outPlane, rowTaps,
          columnTaps, kernelH, kernelW, inWidth, outWidth, inChannels, groups, groupLength, pieceBytes, bucketRows,
          buckets, bucketSwitch))
CB_TYPED(scatter_rows,
         (const float* products, T* const* outputs, const float* bias, const int* list, const int* listCount,
          int fixedCount, const int* chunkCounter, int chunkBase, int chunkRows, int outPlane, int outChannels,
          int groupOut, int groupStride, int productStride, int activation, float alpha, float beta,
          unsigned long long moreChunks),
         (products, outputs, bias, list, listCount, fixedCount, chunkCounter, chunkBase, chunkRows, outPlane,
          outChannels, groupOut, groupStride, productStride, activation, alpha, beta, moreChunks))
CB_TYPED(conv_small,
         (T* const* inputs, T* const* outputs, const float* weights, const float* bias, const int* list,
          const int* listCount, int fixedCount, int outPlane, const int* rowTaps, const int* columnTaps, int kernelH,
          int kernelW, int inWidth, int outWidth, int inChannels, int outChannels, int activation, float alpha,
          float beta),
         (inputs, outputs, weights, bias, list, listCount, fixedCount, outPlane, rowTaps, columnTaps, kernelH, kernelW,
          inWidth, outWidth, inChannels, outChannels, activation, alpha, beta))
CB_TYPED(conv_depthwise,
         (T* const* inputs, T* const* outputs, const float* weights, const float* bias, const int* list,
          const int* listCount, int fixedCount, int outPlane, const int* rowTaps, const int* columnTaps, int kernelH,
          int kernelW, int inWidth, int outWidth, int inChannels, int outChannels, int activation, float alpha,
          float beta),
         (inputs, outputs, weights, bias, list, listCount, fixedCount, outPlane, rowTaps, columnTaps, kernelH, kernelW,
          inWidth, outWidth, inChannels, outChannels, activation, alpha, beta))

// Moves a chunk loop on: the next iteration of the while loop processes the chunk after. One thread.
extern "C" __global__ void next_chunk(int* chunkCounter) { *chunkCounter += 1; }
