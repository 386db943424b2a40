// Change-based inference kernels (docs/algorithm.md), driven from Java through the CUDA driver API.
//
// Layout: image values are NHWC per camera ([H*W][C], channels contiguous), so a position's channel vector
// is one contiguous run: change detection reads it in one pass and the convolution's gather reads it
// coalesced. Every kernel works on a micro-batch of cameras: per-camera buffers come as device tables of
// pointers indexed by camera, and the affected output positions of all cameras of a batch share one list
// per layer, each entry (camera << 24) | position.
//
// A frame's launches depend on no host decision (counts stay on the device and kernels loop over them), so
// the whole sequence can be captured once as a CUDA graph and replayed.
//
// Element type T: float (fp32 and TF32 modes) or __half (fp16 mode). Convolution accumulates in fp32.

#include <cuda_fp16.h>
#include <mma.h>

using namespace nvcuda;

typedef unsigned char u8;

// ---------------------------------------------------------------------------------------------------------
// Element helpers

__device__ __forceinline__ float load_f(const float* p) { return *p; }
__device__ __forceinline__ float load_f(const __half* p) { return __half2float(*p); }
__device__ __forceinline__ void store_f(float* p, float v) { *p = v; }
__device__ __forceinline__ void store_f(__half* p, float v) { *p = __float2half_rn(v); }
__device__ __forceinline__ unsigned bits_of(float v) { return __float_as_uint(v); }
__device__ __forceinline__ unsigned bits_of(__half v) { return __half_as_ushort(v); }

// Activation codes: the ordinals of org.cbinfer.kernels.graph.ops.Activation.Kind.
__device__ __forceinline__ float activate(float x, int kind, float a, float b) {
    switch (kind) {
        case 1: return x > 0.f ? x : (x == x ? 0.f : x);                  // RELU
        case 2: return x != x ? x : fminf(fmaxf(x, a), b);                 // CLIP
        case 3: return x >= 0.f ? x : a * x;                               // LEAKY_RELU
        case 4: return 1.f / (1.f + expf(-x));                             // SIGMOID
        case 5: return fmaxf(0.f, fminf(1.f, a * x + b));                  // HARD_SIGMOID
        case 6: return tanhf(x);                                           // TANH
        default: return x;                                                 // IDENTITY
    }
}

// Binary codes: the ordinals of org.cbinfer.kernels.graph.ops.Binary.Kind.
__device__ __forceinline__ float combine(float a, float b, int kind) {
    switch (kind) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        default: return a >= 0.f ? a : a * b;                              // PRELU
    }
}

// Adds the warp's set flags to a counter with one atomic. Every lane of the warp must call it.
__device__ __forceinline__ void count_warp(int flag, int* counter) {
    unsigned b = __ballot_sync(0xffffffffu, flag);
    if ((threadIdx.x & 31) == 0 && b != 0u && counter != nullptr) atomicAdd(counter, __popc(b));
}

// An affected-position list entry, or (list == null) the i-th position of the whole batch.
__device__ __forceinline__ void decode_entry(const int* list, int i, int plane, int& cam, int& pos) {
    if (list != nullptr) {
        unsigned e = (unsigned) list[i];
        cam = (int) (e >> 24);
        pos = (int) (e & 0xFFFFFFu);
    } else {
        cam = i / plane;
        pos = i - cam * plane;
    }
}

__device__ __forceinline__ int entry_count(const int* countPtr, int fixedCount) {
    return countPtr != nullptr ? *countPtr : fixedCount;
}

// ---------------------------------------------------------------------------------------------------------
// Frame input and output

// Copies each camera's NCHW float frame into its NHWC value buffer and marks the positions whose value
// differs from the stored one (every position on a keyframe). Records the first NaN or infinite value of each
// camera's frame as INT_MAX - its flat NCHW index in nonFinite[cam] (0: none; the counters start at 0), unless
// nonFinite is null (constants and host-computed values are not inputs).
// grid: (ceil(HW / block), cameras).
template <typename T>
__device__ void load_input(const float* __restrict__ staged, T* const* values, u8* const* masks,
                           const int* __restrict__ keyframe, int* camCounts, int* nonFinite, int C, int HW) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < HW) {
        const float* src = staged + (size_t) cam * C * HW + p;
        T* v = values[cam] + (size_t) p * C;
        changed = keyframe[cam];
        int firstBad = -1;
        for (int c = 0; c < C; c++) {
            float x = src[(size_t) c * HW];
            if (firstBad < 0 && !isfinite(x)) firstBad = c;
            T before = v[c];
            store_f(&v[c], x);
            changed |= bits_of(before) != bits_of(v[c]);
        }
        if (firstBad >= 0 && nonFinite != nullptr) atomicMax(nonFinite + cam, 0x7FFFFFFF - (firstBad * HW + p));
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, camCounts + cam);
}

// The same for 8-bit RGB frames (3 interleaved bytes a pixel, camera after camera): each byte becomes lut[byte],
// the table the host computed with the CPU's own conversion, so both backends see the same values.
template <typename T>
__device__ void load_rgb8(const u8* __restrict__ staged, const float* __restrict__ lut, T* const* values,
                          u8* const* masks, const int* __restrict__ keyframe, int* camCounts, int HW) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < HW) {
        const u8* px = staged + ((size_t) cam * HW + p) * 3;
        T* v = values[cam] + (size_t) p * 3;
        changed = keyframe[cam];
        for (int c = 0; c < 3; c++) {
            T before = v[c];
            store_f(&v[c], lut[px[c]]);
            changed |= bits_of(before) != bits_of(v[c]);
        }
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, camCounts + cam);
}

// The opposite: NHWC (or, for non-image values, flat) T to NCHW float for the host. grid: (blocks, cameras).
template <typename T>
__device__ void store_output(T* const* values, float* __restrict__ staged, int C, int HW) {
    int cam = blockIdx.y;
    long n = (long) C * HW;
    const T* v = values[cam];
    float* dst = staged + (size_t) cam * n;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int p = (int) (i / C), c = (int) (i - (long) p * C);
        dst[(size_t) c * HW + p] = load_f(&v[i]);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Change detection, dilation, compaction

// Fused change detection and commit for one change-based convolution: at each position its input may have
// changed at, the largest channel difference from the committed input is compared with the threshold
// (NaN counts as changed); changed positions are committed (every candidate in the non-recursive ablation)
// and marked in `detected`. grid: (ceil(HW / block), cameras).
template <typename T>
__device__ void detect_commit(T* const* xs, T* const* committed, u8* const* inMasks, u8* const* detected,
                              const int* __restrict__ keyframe, int* camCounts, int C, int HW, float th,
                              int recursive) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < HW) {
        const T* x = xs[cam] + (size_t) p * C;
        T* c = committed[cam] + (size_t) p * C;
        if (keyframe[cam]) {
            for (int k = 0; k < C; k++) c[k] = x[k];
            changed = 1;
        } else if (inMasks[cam][p]) {
            float d = 0.f;
            for (int k = 0; k < C; k++) {
                float diff = fabsf(load_f(&x[k]) - load_f(&c[k]));
                if (!(diff <= d)) d = diff;  // keeps NaN
            }
            changed = !(d <= th);
            if (changed || !recursive) {
                for (int k = 0; k < C; k++) c[k] = x[k];
            }
        }
        detected[cam][p] = (u8) changed;
    }
    count_warp(changed, camCounts + cam);
}

// The same for inputs of 32 channels or more: one warp per position, lanes over channels, so the loads of a
// position's channel vector are coalesced. grid: (ceil(HW * 32 / block), cameras).
template <typename T>
__device__ void detect_commit_wide(T* const* xs, T* const* committed, u8* const* inMasks, u8* const* detected,
                                   const int* __restrict__ keyframe, int* camCounts, int C, int HW, float th,
                                   int recursive) {
    __shared__ int blockCount;
    int cam = blockIdx.y;
    int lane = threadIdx.x & 31;
    int p = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (threadIdx.x == 0) blockCount = 0;
    __syncthreads();
    if (p < HW) {
        const T* x = xs[cam] + (size_t) p * C;
        T* c = committed[cam] + (size_t) p * C;
        int changed = 0;
        if (keyframe[cam]) {
            for (int k = lane; k < C; k += 32) c[k] = x[k];
            changed = 1;
        } else if (inMasks[cam][p]) {
            float d = 0.f;
            for (int k = lane; k < C; k += 32) {
                float diff = fabsf(load_f(&x[k]) - load_f(&c[k]));
                if (!(diff <= d)) d = diff;  // keeps NaN
            }
            for (int off = 16; off > 0; off >>= 1) {
                float o = __shfl_xor_sync(0xffffffffu, d, off);
                if (d == d && !(o <= d)) d = o;  // NaN wins
            }
            changed = !(d <= th);
            if (changed || !recursive) {
                for (int k = lane; k < C; k += 32) c[k] = x[k];
            }
        }
        if (lane == 0) {
            detected[cam][p] = (u8) changed;
            if (changed) atomicAdd(&blockCount, 1);
        }
    }
    __syncthreads();
    if (threadIdx.x == 0 && blockCount > 0 && camCounts != nullptr) atomicAdd(camCounts + cam, blockCount);
}

// Marks each output position whose receptive field (separable tap tables ys x xs, -1 = outside) holds a
// marked input position, and appends the marked ones to the batch's list (warp-aggregated atomics; the
// order of entries does not matter, every entry is computed on its own). grid: (ceil(Ho*Wo / block), cameras).
__device__ void dilate_compact(u8* const* inMasks, u8* const* outMasks, const int* __restrict__ keyframe,
                               const int* __restrict__ ys, int ty, const int* __restrict__ xs, int tx, int Win,
                               int Ho, int Wo, int* list, int* listCount, int* camCounts) {
    int cam = blockIdx.y;
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    int m = 0;
    if (o < Ho * Wo) {
        if (keyframe[cam]) {
            m = 1;
        } else {
            int oy = o / Wo, ox = o - oy * Wo;
            const u8* in = inMasks[cam];
            for (int j = 0; j < ty && !m; j++) {
                int iy = ys[oy * ty + j];
                if (iy < 0) continue;
                const u8* row = in + (size_t) iy * Win;
                for (int k = 0; k < tx && !m; k++) {
                    int ix = xs[ox * tx + k];
                    m = ix >= 0 && row[ix] != 0;
                }
            }
        }
        outMasks[cam][o] = (u8) m;
    }
    unsigned b = __ballot_sync(0xffffffffu, m);
    int lane = threadIdx.x & 31;
    int base = 0;
    if (lane == 0 && b != 0u) {
        int n = __popc(b);
        if (list != nullptr) base = atomicAdd(listCount, n);
        atomicAdd(camCounts + cam, n);
    }
    base = __shfl_sync(0xffffffffu, base, 0);
    if (m && list != nullptr) list[base + __popc(b & ((1u << lane) - 1u))] = (cam << 24) | o;
}

// Union of up to four inputs' change masks (a one-position mask is a broadcast input: it changes every
// position). `accumulate` ORs into the existing mask (for more than four inputs). grid: (blocks, cameras).
__device__ void mask_union(u8* const* m0, int p0, u8* const* m1, int p1, u8* const* m2, int p2, u8* const* m3,
                           int p3, int inputs, int accumulate, u8* const* out, int plane, int* camCounts) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int m = 0;
    if (p < plane) {
        u8* const* ms[4] = {m0, m1, m2, m3};
        int ps[4] = {p0, p1, p2, p3};
        m = accumulate ? out[cam][p] : 0;
        for (int i = 0; i < inputs; i++) m |= ms[i][cam][ps[i] == 1 ? 0 : p];
        out[cam][p] = (u8) m;
    }
    count_warp(m, camCounts + cam);
}

// For ops without a change-based form: compares a freshly computed value with the stored one per position
// (bitwise, all channels), marks the differing positions (all on a keyframe) and stores the fresh value.
template <typename T>
__device__ void diff_copy(T* const* fresh, T* const* values, u8* const* masks, const int* __restrict__ keyframe,
                          int* camCounts, int C, int plane) {
    int cam = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int changed = 0;
    if (p < plane) {
        const T* f = fresh[cam] + (size_t) p * C;
        T* v = values[cam] + (size_t) p * C;
        changed = keyframe[cam];
        for (int c = 0; c < C; c++) {
            changed |= bits_of(f[c]) != bits_of(v[c]);
            v[c] = f[c];
        }
        masks[cam][p] = (u8) changed;
    }
    count_warp(changed, camCounts + cam);
}

// ---------------------------------------------------------------------------------------------------------
// Convolution: gather - GEMM - scatter over a list of output positions

// A position tile's rows: camera, position and output coordinates of list entries m0 .. m0 + rows - 1 (camera -1
// past the end of the list); threads 0 .. rows - 1 fill one each.
__device__ __forceinline__ void tile_rows(const int* __restrict__ list, int m0, int count, int planeOut, int Wo,
                                          int rows, int* rowCam, int* rowPos, int* rowOy, int* rowOx) {
    const int t = threadIdx.x;
    if (t >= rows) return;
    const int i = m0 + t;
    if (i < count) {
        int cam, pos;
        decode_entry(list, i, planeOut, cam, pos);
        rowCam[t] = cam;
        rowPos[t] = pos;
        rowOy[t] = pos / Wo;
        rowOx[t] = pos - (pos / Wo) * Wo;
    } else {
        rowCam[t] = -1;
    }
}

#define BM 64
#define BN 64
#define BK 32
#define SPAD 8

template <typename T, int MODE> struct Smem { typedef float type; };
template <> struct Smem<__half, 2> { typedef __half type; };

__device__ __forceinline__ float to_smem(float v, float*) { return v; }
__device__ __forceinline__ __half to_smem(float v, __half*) { return __float2half_rn(v); }

// out[entry, g*Cgo + n] = act(bias + sum_k A[entry, k] * W[g, k, n]) for every listed output position, where
// A is the im2col row of the position gathered on the fly from the input (k ordered ky, kx, ci so that a
// row's consecutive k are contiguous channels). 64x64 output tiles, 4 warps; the block loops over the
// position tiles of the list (its length is read on the device). MODE 0: fp32 FFMA (exact fp32);
// MODE 1: TF32 tensor cores; MODE 2: fp16 tensor cores (T = __half). fp32 accumulation throughout.
// grid: (tilesN * groups, position-tile slots).
template <typename T, int MODE>
__device__ void conv_gemm(T* const* xs, T* const* outs, const T* __restrict__ W, const float* __restrict__ bias,
                          const int* __restrict__ list, const int* __restrict__ countPtr, int fixedCount,
                          int planeOut, const int* __restrict__ ys, const int* __restrict__ xt, int kh, int kw,
                          int Win, int Wo, int Cin, int Cout, int groups, int act, float a0, float a1) {
    typedef typename Smem<T, MODE>::type S;
    __shared__ __align__(128) S As[BM][BK + SPAD];
    __shared__ __align__(128) S Bs[BK][BN + SPAD];
    __shared__ __align__(128) float Cs[MODE == 0 ? 1 : BM][BN + 4];
    __shared__ int rowCam[BM], rowPos[BM], rowOy[BM], rowOx[BM];

    const int Cgi = Cin / groups, Cgo = Cout / groups, K = kh * kw * Cgi;
    const int tilesN = (Cgo + BN - 1) / BN;
    const int g = blockIdx.x / tilesN, n0 = (blockIdx.x - g * tilesN) * BN;
    const int count = entry_count(countPtr, fixedCount);
    const T* Wg = W + (size_t) g * K * Cgo;
    const int tid = threadIdx.x;

    for (int m0 = blockIdx.y * BM; m0 < count; m0 += gridDim.y * BM) {
        __syncthreads();
        tile_rows(list, m0, count, planeOut, Wo, BM, rowCam, rowPos, rowOy, rowOx);

        float acc[8][4];
        wmma::fragment<wmma::accumulator, 16, 16, (MODE == 2 ? 16 : 8), float> cf[2][2];
        if constexpr (MODE == 0) {
#pragma unroll
            for (int r = 0; r < 8; r++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[r][j] = 0.f;
        } else {
#pragma unroll
            for (int i = 0; i < 2; i++)
#pragma unroll
                for (int j = 0; j < 2; j++) wmma::fill_fragment(cf[i][j], 0.f);
        }

        // Next K tile, gathered into registers while the current one is multiplied from shared memory.
        float aNext[BM / 4], bNext[BK / 2];
        auto gather = [&](int k0) {
            const int k = tid & 31, kk = k0 + k;
            const bool kIn = kk < K;
            int ky = 0, kx = 0, ci = 0;
            if (kIn) {
                ci = kk % Cgi;
                int r = kk / Cgi;
                kx = r % kw;
                ky = r / kw;
            }
            const int chan = g * Cgi + ci;
#pragma unroll
            for (int i = 0; i < BM / 4; i++) {
                const int m = (tid >> 5) + 4 * i;
                const int cam = rowCam[m];
                float v = 0.f;
                if (kIn && cam >= 0) {
                    int iy = ys[rowOy[m] * kh + ky];
                    int ix = xt[rowOx[m] * kw + kx];
                    if (iy >= 0 && ix >= 0) v = load_f(&xs[cam][((size_t) iy * Win + ix) * Cin + chan]);
                }
                aNext[i] = v;
            }
            const int n = tid & 63;
            const bool nIn = n0 + n < Cgo;
#pragma unroll
            for (int i = 0; i < BK / 2; i++) {
                const int kb = k0 + (tid >> 6) + 2 * i;
                bNext[i] = (nIn && kb < K) ? load_f(&Wg[(size_t) kb * Cgo + n0 + n]) : 0.f;
            }
        };
        __syncthreads();
        gather(0);
        for (int k0 = 0; k0 < K; k0 += BK) {
            __syncthreads();
#pragma unroll
            for (int i = 0; i < BM / 4; i++) As[(tid >> 5) + 4 * i][tid & 31] = to_smem(aNext[i], (S*) nullptr);
#pragma unroll
            for (int i = 0; i < BK / 2; i++) Bs[(tid >> 6) + 2 * i][tid & 63] = to_smem(bNext[i], (S*) nullptr);
            __syncthreads();
            if (k0 + BK < K) gather(k0 + BK);
            if constexpr (MODE == 0) {
                const int tm = tid >> 4, tn = tid & 15;
#pragma unroll 8
                for (int k = 0; k < BK; k++) {
                    float a[8], b[4];
#pragma unroll
                    for (int r = 0; r < 8; r++) a[r] = (float) As[tm * 8 + r][k];
#pragma unroll
                    for (int j = 0; j < 4; j++) b[j] = (float) Bs[k][tn * 4 + j];
#pragma unroll
                    for (int r = 0; r < 8; r++)
#pragma unroll
                        for (int j = 0; j < 4; j++) acc[r][j] = fmaf(a[r], b[j], acc[r][j]);
                }
            } else {
                const int warp = tid >> 5, wm = warp >> 1, wn = warp & 1;
                if constexpr (MODE == 1) {
#pragma unroll
                    for (int kk = 0; kk < BK; kk += 8) {
                        wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> af[2];
                        wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> bf[2];
#pragma unroll
                        for (int i = 0; i < 2; i++) {
                            wmma::load_matrix_sync(af[i], (const float*) &As[wm * 32 + i * 16][kk], BK + SPAD);
#pragma unroll
                            for (int t = 0; t < af[i].num_elements; t++) af[i].x[t] = wmma::__float_to_tf32(af[i].x[t]);
                            wmma::load_matrix_sync(bf[i], (const float*) &Bs[kk][wn * 32 + i * 16], BN + SPAD);
#pragma unroll
                            for (int t = 0; t < bf[i].num_elements; t++) bf[i].x[t] = wmma::__float_to_tf32(bf[i].x[t]);
                        }
#pragma unroll
                        for (int i = 0; i < 2; i++)
#pragma unroll
                            for (int j = 0; j < 2; j++) wmma::mma_sync(cf[i][j], af[i], bf[j], cf[i][j]);
                    }
                } else {
#pragma unroll
                    for (int kk = 0; kk < BK; kk += 16) {
                        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> af[2];
                        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> bf[2];
#pragma unroll
                        for (int i = 0; i < 2; i++) {
                            wmma::load_matrix_sync(af[i], (const __half*) &As[wm * 32 + i * 16][kk], BK + SPAD);
                            wmma::load_matrix_sync(bf[i], (const __half*) &Bs[kk][wn * 32 + i * 16], BN + SPAD);
                        }
#pragma unroll
                        for (int i = 0; i < 2; i++)
#pragma unroll
                            for (int j = 0; j < 2; j++) wmma::mma_sync(cf[i][j], af[i], bf[j], cf[i][j]);
                    }
                }
            }
        }

        if constexpr (MODE == 0) {
            const int tm = tid >> 4, tn = tid & 15;
#pragma unroll
            for (int r = 0; r < 8; r++) {
                const int m = tm * 8 + r, cam = rowCam[m];
                if (cam < 0) continue;
                T* out = outs[cam] + (size_t) rowPos[m] * Cout + g * Cgo;
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    const int n = n0 + tn * 4 + j;
                    if (n < Cgo) store_f(&out[n], activate(acc[r][j] + bias[g * Cgo + n], act, a0, a1));
                }
            }
        } else {
            const int warp = tid >> 5, wm = warp >> 1, wn = warp & 1;
#pragma unroll
            for (int i = 0; i < 2; i++)
#pragma unroll
                for (int j = 0; j < 2; j++)
                    wmma::store_matrix_sync(&Cs[wm * 32 + i * 16][wn * 32 + j * 16], cf[i][j], BN + 4, wmma::mem_row_major);
            __syncthreads();
            for (int idx = tid; idx < BM * BN; idx += blockDim.x) {
                const int m = idx / BN, n = idx - m * BN, cam = rowCam[m];
                if (cam < 0 || n0 + n >= Cgo) continue;
                const int co = g * Cgo + n0 + n;
                store_f(&outs[cam][(size_t) rowPos[m] * Cout + co], activate(Cs[m][n] + bias[co], act, a0, a1));
            }
        }
    }
}

// The same convolution, pipelined, for channel counts that allow 16-byte copies (Cin/groups and
// Cout/groups multiples of 4 fp32 or 8 fp16 values): each 16-byte piece of an im2col row is one tap's run of
// channels, so the A and B tiles of PIPE K steps are fetched with cp.async straight into a shared-memory ring
// while the tensor cores work on an earlier step. TM x TN output tiles (TM 64 or 128; TN 64 or 128), 8 warps
// of TM/2 x TN/4, multiplied with warp-level mma.sync (m16n8k8 TF32 in MODE 1, m16n8k16 fp16 in MODE 2) on
// fragments read by ldmatrix; the accumulators stay in registers up to the output. Dynamic shared memory:
// pipe_smem_bytes(). grid: (tilesN * groups, position-tile slots), block 256.
#define PBK 32
#define PIPE 3

// Row padding of a stage's A tile ([TM][PBK]) and B tile ([PBK][TN]), in elements. A rows are 144 (fp32) or
// 80 (fp16) bytes apart, so the 8 rows of an ldmatrix 8x8 piece fall in 8 different 4-bank groups; B rows are
// 8 fp32 (TN + 8 = 8 mod 32 words: the TF32 B reads below hit 32 different banks) or 8 fp16 values (ldmatrix
// again) longer than the tile.
template <typename T>
__host__ __device__ constexpr int pipe_pad_a() { return 16 / (int) sizeof(T); }
#define PIPE_PAD_B 8

template <typename T, int TM, int TN>
__host__ __device__ constexpr int pipe_stage_bytes() {
    return (TM * (PBK + pipe_pad_a<T>()) + PBK * (TN + PIPE_PAD_B)) * (int) sizeof(T);
}

template <typename T, int TM, int TN>
__host__ __device__ constexpr int pipe_smem_bytes() { return PIPE * pipe_stage_bytes<T, TM, TN>(); }

__device__ __forceinline__ void cp_async16(void* smem, const void* global, bool valid) {
    unsigned dst = (unsigned) __cvta_generic_to_shared(smem);
    int bytes = valid ? 16 : 0;  // 0: the 16 bytes are zero-filled, nothing is read
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(global), "r"(bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

// Warp-level tensor-core operations (PTX ISA, "Warp-level matrix instructions"). In a warp, lane = 4 * gid +
// tig (gid = lane / 4, the "groupID"; tig = lane % 4, the "threadID_in_group").
//
// ldmatrix .x4: lanes 8q .. 8q + 7 give the shared addresses of the 8 rows (16 bytes each) of matrix q; r[q]
// receives, in every lane, the 4 bytes 4 * tig .. 4 * tig + 3 of matrix q's row gid (b16 elements 2 tig and
// 2 tig + 1; one fp32 value, column tig, when the rows hold 4 fp32 values). With .trans, r[q] receives the b16
// elements (row 2 tig, column gid) and (row 2 tig + 1, column gid) of matrix q instead.
__device__ __forceinline__ void ldsm_x4(unsigned (&r)[4], unsigned addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(addr));
}
__device__ __forceinline__ void ldsm_x4_trans(unsigned& r0, unsigned& r1, unsigned& r2, unsigned& r3, unsigned addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr));
}

// An fp32 value rounded to TF32 (10 mantissa bits), to nearest with ties away from zero, as the tensor cores
// take it. Feeding an mma, ptxas makes it two instructions (a finiteness test and a predicated add of half a
// TF32 ulp; the tensor cores ignore the 13 low bits, so it leaves out the masking).
__device__ __forceinline__ unsigned tf32_rna(unsigned bits) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(__uint_as_float(bits)));
    return r;
}

// c += a * b on a 16 x 8 tile, fp32 accumulators. Fragments (rows m, columns n, depth k):
//   c[0] = C[gid][2 tig], c[1] = C[gid][2 tig + 1], c[2] = C[gid + 8][2 tig], c[3] = C[gid + 8][2 tig + 1];
//   TF32, m16n8k8:  a[0] = A[gid][tig], a[1] = A[gid + 8][tig], a[2] = A[gid][tig + 4], a[3] = A[gid + 8][tig + 4];
//                   b[0] = B[tig][gid], b[1] = B[tig + 4][gid];
//   fp16, m16n8k16 (pairs of b16, lower k first):
//                   a[0] = A[gid][2 tig, +1], a[1] = A[gid + 8][2 tig, +1], a[2] = A[gid][2 tig + 8, +1],
//                   a[3] = A[gid + 8][2 tig + 8, +1]; b[0] = B[2 tig, +1][gid], b[1] = B[2 tig + 8, +1][gid].
template <int MODE>
__device__ __forceinline__ void mma_16x8(float (&c)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    if constexpr (MODE == 1) {
        asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
            "{%0, %1, %2, %3};\n"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
            : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    } else {
        asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
            "{%0, %1, %2, %3};\n"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
            : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    }
}

template <typename T, int MODE, int TM, int TN>
__device__ void conv_gemm_pipe(T* const* xs, T* const* outs, const T* __restrict__ W, const float* __restrict__ bias,
                               const int* __restrict__ list, const int* __restrict__ countPtr, int fixedCount,
                               int planeOut, const int* __restrict__ ys, const int* __restrict__ xt, int kh, int kw,
                               int Win, int Wo, int Cin, int Cout, int groups, int act, float a0, float a1) {
    constexpr int ES = (int) sizeof(T);
    constexpr int VEC = 16 / ES;                         // elements per 16-byte piece
    constexpr int LDA = PBK + pipe_pad_a<T>(), LDB = TN + PIPE_PAD_B;
    constexpr int A_CHUNKS = PBK / VEC;                  // pieces per A row of a stage
    constexpr int A_ROWS = 256 / A_CHUNKS;               // rows one pass of the block covers
    constexpr int B_CHUNKS = TN / VEC;
    constexpr int B_ROWS = 256 / B_CHUNKS;
    constexpr int WM = TM / 2, WN = TN / 4;              // warp tile
    constexpr int MT = WM / 16, NT = WN / 8;             // its 16 x 8 mma tiles
    constexpr int KS = 32 / ES;                          // k of one mma: 32 bytes of an A row (8 fp32, 16 fp16)
    constexpr int STAGE = pipe_stage_bytes<T, TM, TN>() / ES;
    extern __shared__ __align__(128) unsigned char smem[];
    __shared__ int rowCam[TM], rowPos[TM], rowOy[TM], rowOx[TM];

    const int Cgi = Cin / groups, Cgo = Cout / groups, K = kh * kw * Cgi;
    const int tilesN = (Cgo + TN - 1) / TN;
    const int g = blockIdx.x / tilesN, n0 = (blockIdx.x - g * tilesN) * TN;
    const int count = entry_count(countPtr, fixedCount);
    const T* Wg = W + (size_t) g * K * Cgo;
    const int tid = threadIdx.x, lane = tid & 31, gid = lane >> 2, tig = lane & 3;
    const int wRow = (tid >> 7) * WM, wCol = ((tid >> 5) & 3) * WN;  // the warp's tile in the block's
    const int kTiles = (K + PBK - 1) / PBK;
    T* stageBase = (T*) smem;
    const unsigned smemBase = (unsigned) __cvta_generic_to_shared(smem);

    // This lane's ldmatrix row addresses within a stage, at k step 0 of mma tile 0 (bytes).
    // A (all modes; [m][k]): lanes 0-7 rows 0-7 and lanes 8-15 rows 8-15 at k bytes 0-15, lanes 16-31 the same rows
    // at k bytes 16-31, so r[0..3] = the a[0..3] of mma_16x8: in TF32 matrix q's row gid, 4-byte column tig is
    // A[gid + 8 (q & 1)][tig + 4 (q >> 1)]; in fp16 its b16 pair is A[gid + 8 (q & 1)][2 tig + 8 (q >> 1), +1].
    const unsigned aLane = ((wRow + (lane & 15)) * LDA + (lane >> 4) * VEC) * ES;
    // B in fp16 ([k][n], ldmatrix .trans): lanes 0-7 k rows 0-7 and lanes 8-15 k rows 8-15 at columns 0-7, lanes
    // 16-31 the same rows at columns 8-15, so r[q] = (B[2 tig + 8 (q & 1), +1][gid + 8 (q >> 1)]): r[0], r[1] are
    // b[0], b[1] of the mma tile at columns 0-7 and r[2], r[3] those of the tile at columns 8-15.
    const unsigned bLane = (TM * LDA + (lane & 15) * LDB + wCol + (lane >> 4) * 8) * ES;
    // B in TF32 (4-byte elements, which ldmatrix cannot transpose) is read with 32-bit loads straight into the
    // register pairs of mma_16x8: b[0] of the tile at columns 8 j is B[tig][8 j + gid], b[1] B[tig + 4][8 j + gid];
    // B rows are 8 mod 32 words apart, so a load's 32 lanes hit banks 8 tig + gid + const, all different.
    const int bOff = TM * LDA + tig * LDB + wCol + gid;

    auto load_stage = [&](int kt, int stage) {
        T* As = stageBase + (size_t) stage * STAGE;
        T* Bs = As + TM * LDA;
        const int k0 = kt * PBK;
        // A: this thread's piece of each of its rows covers k .. k + VEC - 1, one tap's channels
        const int piece = tid % A_CHUNKS, kk = k0 + piece * VEC;
        const bool kIn = kk < K;
        int ky = 0, kx = 0, ci = 0;
        if (kIn) {
            ci = kk % Cgi;
            const int r = kk / Cgi;
            kx = r % kw;
            ky = r / kw;
        }
        const int chan = g * Cgi + ci;
#pragma unroll
        for (int i = 0; i < TM / A_ROWS; i++) {
            const int m = tid / A_CHUNKS + i * A_ROWS;
            const int cam = rowCam[m];
            const T* src = Wg;
            bool valid = false;
            if (kIn && cam >= 0) {
                const int iy = ys[rowOy[m] * kh + ky], ix = xt[rowOx[m] * kw + kx];
                if (iy >= 0 && ix >= 0) {
                    src = xs[cam] + ((size_t) iy * Win + ix) * Cin + chan;
                    valid = true;
                }
            }
            cp_async16(As + m * LDA + piece * VEC, src, valid);
        }
#pragma unroll
        for (int i = 0; i < PBK / B_ROWS; i++) {
            const int kr = tid / B_CHUNKS + i * B_ROWS, n = (tid % B_CHUNKS) * VEC;
            const bool valid = k0 + kr < K && n0 + n < Cgo;
            cp_async16(Bs + kr * LDB + n, valid ? Wg + (size_t) (k0 + kr) * Cgo + n0 + n : Wg, valid);
        }
    };

    for (int m0 = blockIdx.y * TM; m0 < count; m0 += gridDim.y * TM) {
        __syncthreads();  // the previous tile is done with the stages and the row table
        tile_rows(list, m0, count, planeOut, Wo, TM, rowCam, rowPos, rowOy, rowOx);
        __syncthreads();

        float acc[MT][NT][4];
#pragma unroll
        for (int i = 0; i < MT; i++)
#pragma unroll
            for (int j = 0; j < NT; j++)
#pragma unroll
                for (int r = 0; r < 4; r++) acc[i][j][r] = 0.f;

#pragma unroll
        for (int s = 0; s < PIPE - 1; s++) {
            if (s < kTiles) load_stage(s, s);
            cp_async_commit();
        }
        for (int kt = 0; kt < kTiles; kt++) {
            cp_async_wait<PIPE - 2>();
            __syncthreads();  // stage kt is in shared memory for everyone; stage kt - 1 is free again
            if (kt + PIPE - 1 < kTiles) load_stage(kt + PIPE - 1, (kt + PIPE - 1) % PIPE);
            cp_async_commit();
            const int stage = kt % PIPE;
            // two k steps at a time: TF32 128 x 128 fully unrolled spills at the 128-register cap (and ran slower)
#pragma unroll 2
            for (int ks = 0; ks < PBK / KS; ks++) {
                // B fragments of the k step for all NT tiles, then A tile by tile (fewer live registers)
                unsigned b[NT][2];
                if constexpr (MODE == 1) {
                    const unsigned* Bk = (const unsigned*) stageBase + stage * STAGE + bOff + ks * KS * LDB;
#pragma unroll
                    for (int j = 0; j < NT; j++) {
                        b[j][0] = tf32_rna(Bk[8 * j]);
                        b[j][1] = tf32_rna(Bk[4 * LDB + 8 * j]);
                    }
                } else {
#pragma unroll
                    for (int j = 0; j < NT; j += 2)
                        ldsm_x4_trans(b[j][0], b[j][1], b[j + 1][0], b[j + 1][1],
                                      smemBase + stage * STAGE * ES + bLane + (ks * KS * LDB + j * 8) * ES);
                }
#pragma unroll
                for (int i = 0; i < MT; i++) {
                    unsigned a[4];
                    ldsm_x4(a, smemBase + stage * STAGE * ES + aLane + (i * 16 * LDA + ks * KS) * ES);
                    if constexpr (MODE == 1) {
#pragma unroll
                        for (int r = 0; r < 4; r++) a[r] = tf32_rna(a[r]);
                    }
#pragma unroll
                    for (int j = 0; j < NT; j++) mma_16x8<MODE>(acc[i][j], a, b[j]);
                }
            }
        }
        cp_async_wait<0>();  // only empty groups are left; nothing lands in the stages after this

        // Epilogue from the accumulators: acc[i][j][2 h + e] is C[16 i + 8 h + gid][8 j + 2 tig + e] of the warp's
        // tile. Cgo is a multiple of 4 (fp32) or 8 (fp16) and n is even, so n + 1 < Cgo whenever n < Cgo.
#pragma unroll
        for (int i = 0; i < MT; i++)
#pragma unroll
            for (int h = 0; h < 2; h++) {
                const int m = wRow + 16 * i + 8 * h + gid, cam = rowCam[m];
                if (cam < 0) continue;
                T* out = outs[cam] + (size_t) rowPos[m] * Cout + g * Cgo;
                const float* bg = bias + g * Cgo;
#pragma unroll
                for (int j = 0; j < NT; j++) {
                    const int n = n0 + wCol + 8 * j + 2 * tig;
                    if (n >= Cgo) continue;
                    const float2 bn = *(const float2*) (bg + n);
                    const float v0 = activate(acc[i][j][2 * h] + bn.x, act, a0, a1);
                    const float v1 = activate(acc[i][j][2 * h + 1] + bn.y, act, a0, a1);
                    if constexpr (MODE == 1) *(float2*) (out + n) = make_float2(v0, v1);
                    else *(__half2*) (out + n) = __floats2half2_rn(v0, v1);
                }
            }
    }
}

// A convolution of few input channels (an RGB frame's first layer: K = kh * kw * Cin small) at the listed
// positions, direct rather than as a GEMM (whose 16-byte pieces need 4 or 8 channels, and whose tiles would be
// mostly padding): one thread per (position, chunk of 16 output channels), exact fp32 products and sums. The
// weights ([K][Cout], the GEMM's layout, at most SMALL_K_COUT values) are staged in shared memory as floats;
// neighbouring threads take neighbouring positions of one chunk, so they read the same weights.
#define SMALL_K_COUT 8192
template <typename T>
__device__ void conv_small(T* const* xs, T* const* outs, const T* __restrict__ W, const float* __restrict__ bias,
                           const int* __restrict__ list, const int* __restrict__ countPtr, int fixedCount,
                           int planeOut, const int* __restrict__ ys, const int* __restrict__ xt, int kh, int kw,
                           int Win, int Wo, int Cin, int Cout, int act, float a0, float a1) {
    __shared__ __align__(16) float w[SMALL_K_COUT];
    const int K = kh * kw * Cin;
    for (int i = threadIdx.x; i < K * Cout; i += blockDim.x) w[i] = load_f(&W[i]);
    __syncthreads();
    const int count = entry_count(countPtr, fixedCount);
    const int chunks = (Cout + 15) / 16;
    const long total = (long) count * chunks;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long) gridDim.x * blockDim.x) {
        const int chunk = (int) (i / count), e = (int) (i - (long) chunk * count), co0 = chunk * 16;
        int cam, pos;
        decode_entry(list, e, planeOut, cam, pos);
        const int oy = pos / Wo, ox = pos - oy * Wo;
        const T* x = xs[cam];
        float acc[16];
#pragma unroll
        for (int j = 0; j < 16; j++) acc[j] = 0.f;
        for (int ky = 0; ky < kh; ky++) {
            const int iy = ys[oy * kh + ky];
            if (iy < 0) continue;
            for (int kx = 0; kx < kw; kx++) {
                const int ix = xt[ox * kw + kx];
                if (ix < 0) continue;
                const T* px = x + ((size_t) iy * Win + ix) * Cin;
                const float* wk = w + ((ky * kw + kx) * Cin) * Cout + co0;
                for (int ci = 0; ci < Cin; ci++, wk += Cout) {
                    const float v = load_f(&px[ci]);
#pragma unroll
                    for (int j = 0; j < 16; j++) {
                        if (co0 + j < Cout) acc[j] = fmaf(v, wk[j], acc[j]);
                    }
                }
            }
        }
        T* out = outs[cam] + (size_t) pos * Cout;
#pragma unroll
        for (int j = 0; j < 16; j++) {
            if (co0 + j < Cout) store_f(&out[co0 + j], activate(acc[j] + bias[co0 + j], act, a0, a1));
        }
    }
}

// Depthwise convolution (groups == Cin, Cout = Cin * multiplier) at the listed positions: one thread per
// (position, output channel), so a warp reads consecutive channels of one input position. Weights [Cout][kh*kw].
template <typename T>
__device__ void conv_depthwise(T* const* xs, T* const* outs, const float* __restrict__ W,
                               const float* __restrict__ bias, const int* __restrict__ list,
                               const int* __restrict__ countPtr, int fixedCount, int planeOut,
                               const int* __restrict__ ys, const int* __restrict__ xt, int kh, int kw, int Win,
                               int Wo, int Cin, int Cout, int act, float a0, float a1) {
    const long total = (long) entry_count(countPtr, fixedCount) * Cout;
    const int mult = Cout / Cin;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long) gridDim.x * blockDim.x) {
        const int e = (int) (i / Cout), co = (int) (i - (long) e * Cout), ci = co / mult;
        int cam, pos;
        decode_entry(list, e, planeOut, cam, pos);
        const int oy = pos / Wo, ox = pos - oy * Wo;
        const T* x = xs[cam];
        const float* w = W + (size_t) co * kh * kw;
        float acc = 0.f;
        for (int ky = 0; ky < kh; ky++) {
            int iy = ys[oy * kh + ky];
            if (iy < 0) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = xt[ox * kw + kx];
                if (ix >= 0) acc = fmaf(w[ky * kw + kx], load_f(&x[((size_t) iy * Win + ix) * Cin + ci]), acc);
            }
        }
        store_f(&outs[cam][(size_t) pos * Cout + co], activate(acc + bias[co], act, a0, a1));
    }
}

// Max or average pooling at the listed positions; the average divides by divY[oy] * divX[ox] (taps inside the
// input, or the window including padding, as the op says). One thread per (position, channel).
template <typename T>
__device__ void pool(T* const* xs, T* const* outs, const int* __restrict__ list, const int* __restrict__ countPtr,
                     int fixedCount, int planeOut, const int* __restrict__ ys, int ty, const int* __restrict__ xt,
                     int tx, int Win, int Wo, int C, int isMax, const int* __restrict__ divY,
                     const int* __restrict__ divX) {
    const long total = (long) entry_count(countPtr, fixedCount) * C;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long) gridDim.x * blockDim.x) {
        const int e = (int) (i / C), c = (int) (i - (long) e * C);
        int cam, pos;
        decode_entry(list, e, planeOut, cam, pos);
        const int oy = pos / Wo, ox = pos - oy * Wo;
        const T* x = xs[cam];
        float acc = isMax ? -INFINITY : 0.f;
        for (int j = 0; j < ty; j++) {
            int iy = ys[oy * ty + j];
            if (iy < 0) continue;
            for (int k = 0; k < tx; k++) {
                int ix = xt[ox * tx + k];
                if (ix < 0) continue;
                float v = load_f(&x[((size_t) iy * Win + ix) * C + c]);
                if (isMax) {
                    if (v > acc || v != v) acc = v;
                } else {
                    acc += v;
                }
            }
        }
        if (!isMax) acc = acc / (float) (divY[oy] * divX[ox]);
        store_f(&outs[cam][(size_t) pos * C + c], acc);
    }
}

// Nearest or linear resize at the listed positions: the taps' weighted sum, summed along x within each source
// row, then the rows weighted along y, as the CPU's ResizeKernel sums. One thread per (position, channel).
template <typename T>
__device__ void resize(T* const* xs, T* const* outs, const int* __restrict__ list, const int* __restrict__ countPtr,
                       int fixedCount, int planeOut, const int* __restrict__ ys, int ty, const int* __restrict__ xt,
                       int tx, int Win, int Wo, int C, const float* __restrict__ wy, const float* __restrict__ wx) {
    const long total = (long) entry_count(countPtr, fixedCount) * C;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long) gridDim.x * blockDim.x) {
        const int e = (int) (i / C), c = (int) (i - (long) e * C);
        int cam, pos;
        decode_entry(list, e, planeOut, cam, pos);
        const int oy = pos / Wo, ox = pos - oy * Wo;
        const T* x = xs[cam];
        float acc = 0.f;
        for (int j = 0; j < ty; j++) {
            const T* row = x + (size_t) ys[oy * ty + j] * Win * C;
            float rowAcc = 0.f;
            for (int k = 0; k < tx; k++) rowAcc += wx[ox * tx + k] * load_f(&row[(size_t) xt[ox * tx + k] * C + c]);
            acc += wy[oy * ty + j] * rowAcc;
        }
        store_f(&outs[cam][(size_t) pos * C + c], acc);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Dense element-wise and layout ops (every position; exact, so their change masks come from the inputs')

template <typename T>
__device__ void unary(T* const* in, T* const* out, long n, int act, float a0, float a1) {
    int cam = blockIdx.y;
    const T* x = in[cam];
    T* y = out[cam];
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        store_f(&y[i], activate(load_f(&x[i]), act, a0, a1));
    }
}

// out[i] = a[i % aMod] op b[i % bMod]: same shape (mod n), one value per channel of an NHWC image (mod C), or
// a scalar (mod 1).
template <typename T>
__device__ void binary(T* const* a, long aMod, T* const* b, long bMod, T* const* out, long n, int op) {
    int cam = blockIdx.y;
    const T* x = a[cam];
    const T* z = b[cam];
    T* y = out[cam];
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        store_f(&y[i], combine(load_f(&x[i % aMod]), load_f(&z[i % bMod]), op));
    }
}

// One input's slice of a channel concatenation: out[p, offset + c] = in[p, c].
template <typename T>
__device__ void concat_channels(T* const* in, T* const* out, int plane, int Cin, int Ctotal, int offset) {
    int cam = blockIdx.y;
    const T* x = in[cam];
    T* y = out[cam];
    long n = (long) plane * Cin;
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int p = (int) (i / Cin), c = (int) (i - (long) p * Cin);
        y[(size_t) p * Ctotal + offset + c] = x[i];
    }
}

// Mean over positions per channel. grid: (ceil(C / block), cameras).
template <typename T>
__device__ void global_average_pool(T* const* in, T* const* out, int C, int HW) {
    int cam = blockIdx.y;
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    const T* x = in[cam];
    float s = 0.f;
    for (int p = 0; p < HW; p++) s += load_f(&x[(size_t) p * C + c]);
    store_f(&out[cam][c], s / (float) HW);
}

// Weight conversion at plan time (fp32 host weights to the device element type).
__device__ void to_half(const float* __restrict__ in, __half* __restrict__ out, long n) {
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        out[i] = __float2half_rn(in[i]);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points (extern "C" names that Java loads): _f32 for float storage, _f16 for __half storage.

#define TYPED(NAME, PARAMS, ARGS)                                                              \
    extern "C" __global__ void NAME##_f32 PARAMS(float) { NAME<float> ARGS; }                  \
    extern "C" __global__ void NAME##_f16 PARAMS(__half) { NAME<__half> ARGS; }

#define P_LOAD(T) (const float* s, T* const* v, u8* const* m, const int* kf, int* cc, int* nf, int C, int HW)
TYPED(load_input, P_LOAD, (s, v, m, kf, cc, nf, C, HW))
#define P_RGB(T) (const u8* s, const float* lut, T* const* v, u8* const* m, const int* kf, int* cc, int HW)
TYPED(load_rgb8, P_RGB, (s, lut, v, m, kf, cc, HW))
#define P_STORE(T) (T* const* v, float* s, int C, int HW)
TYPED(store_output, P_STORE, (v, s, C, HW))
#define P_DETECT(T) (T* const* x, T* const* c, u8* const* im, u8* const* d, const int* kf, int* cc, int C, int HW, \
                     float th, int rec)
TYPED(detect_commit, P_DETECT, (x, c, im, d, kf, cc, C, HW, th, rec))
TYPED(detect_commit_wide, P_DETECT, (x, c, im, d, kf, cc, C, HW, th, rec))
#define P_DIFF(T) (T* const* f, T* const* v, u8* const* m, const int* kf, int* cc, int C, int plane)
TYPED(diff_copy, P_DIFF, (f, v, m, kf, cc, C, plane))
#define P_DW(T) (T* const* x, T* const* o, const float* W, const float* b, const int* l, const int* cp, int fc, \
                 int po, const int* ys, const int* xt, int kh, int kw, int Win, int Wo, int Cin, int Cout, int act, \
                 float a0, float a1)
TYPED(conv_depthwise, P_DW, (x, o, W, b, l, cp, fc, po, ys, xt, kh, kw, Win, Wo, Cin, Cout, act, a0, a1))
#define P_POOL(T) (T* const* x, T* const* o, const int* l, const int* cp, int fc, int po, const int* ys, int ty, \
                   const int* xt, int tx, int Win, int Wo, int C, int mx, const int* dy, const int* dx)
TYPED(pool, P_POOL, (x, o, l, cp, fc, po, ys, ty, xt, tx, Win, Wo, C, mx, dy, dx))
#define P_RESIZE(T) (T* const* x, T* const* o, const int* l, const int* cp, int fc, int po, const int* ys, int ty, \
                     const int* xt, int tx, int Win, int Wo, int C, const float* wy, const float* wx)
TYPED(resize, P_RESIZE, (x, o, l, cp, fc, po, ys, ty, xt, tx, Win, Wo, C, wy, wx))
#define P_UNARY(T) (T* const* i, T* const* o, long n, int act, float a0, float a1)
TYPED(unary, P_UNARY, (i, o, n, act, a0, a1))
#define P_BINARY(T) (T* const* a, long am, T* const* b, long bm, T* const* o, long n, int op)
TYPED(binary, P_BINARY, (a, am, b, bm, o, n, op))
#define P_CONCAT(T) (T* const* i, T* const* o, int plane, int Cin, int Ct, int off)
TYPED(concat_channels, P_CONCAT, (i, o, plane, Cin, Ct, off))
#define P_GAP(T) (T* const* i, T* const* o, int C, int HW)
TYPED(global_average_pool, P_GAP, (i, o, C, HW))

#define P_GEMM(T) (T* const* x, T* const* o, const T* W, const float* b, const int* l, const int* cp, int fc, int po, \
                   const int* ys, const int* xt, int kh, int kw, int Win, int Wo, int Cin, int Cout, int g, int act, \
                   float a0, float a1)
#define GEMM_ARGS (x, o, W, b, l, cp, fc, po, ys, xt, kh, kw, Win, Wo, Cin, Cout, g, act, a0, a1)
#define P_SMALL(T) (T* const* x, T* const* o, const T* W, const float* b, const int* l, const int* cp, int fc, \
                    int po, const int* ys, const int* xt, int kh, int kw, int Win, int Wo, int Cin, int Cout, int act, \
                    float a0, float a1)
TYPED(conv_small, P_SMALL, (x, o, W, b, l, cp, fc, po, ys, xt, kh, kw, Win, Wo, Cin, Cout, act, a0, a1))
extern "C" __global__ void __launch_bounds__(128) conv_gemm_fp32 P_GEMM(float) { conv_gemm<float, 0> GEMM_ARGS; }
extern "C" __global__ void __launch_bounds__(128) conv_gemm_tf32 P_GEMM(float) { conv_gemm<float, 1> GEMM_ARGS; }
extern "C" __global__ void __launch_bounds__(128) conv_gemm_fp16 P_GEMM(__half) { conv_gemm<__half, 2> GEMM_ARGS; }

// Dynamic shared memory: ConvStep.pipeSharedBytes mirrors pipe_smem_bytes<T, TM, TN>().
#define PIPE_ENTRY(NAME, T, MODE, TM, TN) \
    extern "C" __global__ void __launch_bounds__(256, 2) NAME P_GEMM(T) { conv_gemm_pipe<T, MODE, TM, TN> GEMM_ARGS; }
PIPE_ENTRY(conv_gemm_pipe_tf32_m64_n64, float, 1, 64, 64)
PIPE_ENTRY(conv_gemm_pipe_tf32_m64_n128, float, 1, 64, 128)
PIPE_ENTRY(conv_gemm_pipe_tf32_m128_n64, float, 1, 128, 64)
PIPE_ENTRY(conv_gemm_pipe_tf32_m128_n128, float, 1, 128, 128)
PIPE_ENTRY(conv_gemm_pipe_fp16_m64_n64, __half, 2, 64, 64)
PIPE_ENTRY(conv_gemm_pipe_fp16_m64_n128, __half, 2, 64, 128)
PIPE_ENTRY(conv_gemm_pipe_fp16_m128_n64, __half, 2, 128, 64)
PIPE_ENTRY(conv_gemm_pipe_fp16_m128_n128, __half, 2, 128, 128)

extern "C" __global__ void dilate_compact_u8(u8* const* im, u8* const* om, const int* kf, const int* ys, int ty,
                                             const int* xt, int tx, int Win, int Ho, int Wo, int* list, int* lc,
                                             int* cc) {
    dilate_compact(im, om, kf, ys, ty, xt, tx, Win, Ho, Wo, list, lc, cc);
}
// Marks every output position of each camera as updated, for a layer computed densely (dense fallback): the
// steps after it treat its whole output as changed. grid: (positions / block, cameras).
extern "C" __global__ void fill_mask_u8(u8* const* masks, int plane, int* camCounts) {
    const int cam = blockIdx.y, p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p < plane) masks[cam][p] = 1;
    count_warp(p < plane, camCounts + cam);
}
extern "C" __global__ void mask_union_u8(u8* const* m0, int p0, u8* const* m1, int p1, u8* const* m2, int p2,
                                         u8* const* m3, int p3, int n, int acc, u8* const* out, int plane, int* cc) {
    mask_union(m0, p0, m1, p1, m2, p2, m3, p3, n, acc, out, plane, cc);
}
extern "C" __global__ void to_half_f32(const float* in, __half* out, long n) { to_half(in, out, n); }
