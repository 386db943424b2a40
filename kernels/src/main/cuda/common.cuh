// Helpers every kernel family shares: element access in the storage type, activations, binary operators,
// warp-aggregated counting and the decoding of affected-position list entries.
//
// Layout: image values are NHWC per camera ([H*W][C], channels contiguous), so a position's channel vector is
// one contiguous run: change detection reads it in one pass and the gathers read it coalesced. Every kernel
// works on a micro-batch of cameras: per-camera buffers come as device tables of pointers indexed by camera,
// and the affected output positions of all cameras of a batch share one list per layer, each entry
// (camera << CB_CAMERA_SHIFT) | position.
//
// Element type T: float (fp32 and TF32 modes) or __half (fp16 mode). Arithmetic is in fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "cbinfer_constants.cuh"  // generated from the Java side (KernelConstants): enum codes, limits

typedef unsigned char u8;

__device__ __forceinline__ float load_f(const float* p) { return *p; }
__device__ __forceinline__ float load_f(const __half* p) { return __half2float(*p); }
__device__ __forceinline__ void store_f(float* p, float v) { *p = v; }
__device__ __forceinline__ void store_f(__half* p, float v) { *p = __float2half_rn(v); }
__device__ __forceinline__ unsigned bits_of(float v) { return __float_as_uint(v); }
__device__ __forceinline__ unsigned bits_of(__half v) { return __half_as_ushort(v); }

// An activation of org.cbinfer.kernels.graph.ops.Activation (kind, alpha a, beta b).
__device__ __forceinline__ float activate(float x, int kind, float a, float b) {
    switch (kind) {
        case CB_ACTIVATION_RELU: return x > 0.f ? x : (x == x ? 0.f : x);
        case CB_ACTIVATION_CLIP: return x != x ? x : fminf(fmaxf(x, a), b);
        case CB_ACTIVATION_LEAKY_RELU: return x >= 0.f ? x : a * x;
        case CB_ACTIVATION_SIGMOID: return 1.f / (1.f + expf(-x));
        case CB_ACTIVATION_HARD_SIGMOID: return fmaxf(0.f, fminf(1.f, a * x + b));
        case CB_ACTIVATION_TANH: return tanhf(x);
        default: return x;
    }
}

// A binary operator of org.cbinfer.kernels.graph.ops.Binary (only those PointwiseStep sends to the GPU).
__device__ __forceinline__ float combine(float a, float b, int kind) {
    switch (kind) {
        case CB_BINARY_ADD: return a + b;
        case CB_BINARY_SUB: return a - b;
        case CB_BINARY_MUL: return a * b;
        case CB_BINARY_DIV: return a / b;
        default: return a >= 0.f ? a : a * b;  // CB_BINARY_PRELU
    }
}

// Adds the warp's set flags to a counter with one atomic. Every lane of the warp must call it.
__device__ __forceinline__ void count_warp(int flag, int* counter) {
    unsigned b = __ballot_sync(0xffffffffu, flag);
    if ((threadIdx.x & 31) == 0 && b != 0u && counter != nullptr) atomicAdd(counter, __popc(b));
}

// An affected-position list entry, or (list == null) the i-th position of the whole batch.
template <typename I>
__device__ __forceinline__ void decode_entry(const int* list, I i, int plane, int& cam, int& pos) {
    if (list != nullptr) {
        unsigned e = (unsigned) list[i];
        cam = (int) (e >> CB_CAMERA_SHIFT);
        pos = (int) (e & ((1u << CB_CAMERA_SHIFT) - 1u));
    } else {
        cam = (int) (i / plane);
        pos = (int) (i - (I) cam * plane);
    }
}

// Calls body(i) for i in [0, total) across the grid (a grid-stride loop), with 32-bit indices whenever the total
// allows: the divisions kernels do per element cost several times more in 64 bits.
template <typename Body>
__device__ __forceinline__ void grid_loop(long total, Body body) {
    if (total <= 0x7FFFFFFFL) {
        for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (int) total; i += gridDim.x * blockDim.x) body(i);
    } else {
        for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long) gridDim.x * blockDim.x) body(i);
    }
}

// The number of list entries: read on the device (countPtr), or fixed for a pass over every position.
__device__ __forceinline__ int entry_count(const int* countPtr, int fixedCount) {
    return countPtr != nullptr ? *countPtr : fixedCount;
}

// Entry points: extern "C" names that Java loads. A typed kernel has a _f32 (float storage) and a _f16 (__half
// storage) entry; PARAMS is its parameter list written with T for the storage type, ARGS the same names
// forwarded to the device function. Java launches every entry through a parameter record whose components have
// these names and types (org.cbinfer.kernels.cuda.Kernels; KernelSignaturesTest checks them against this
// source), so parameter lists are written once, here, and nowhere by hand in Java.
#define CB_TYPED(NAME, PARAMS, ARGS)                                                                    \
    namespace cb_f32 { typedef float T; extern "C" __global__ void NAME##_f32 PARAMS { NAME<T> ARGS; } } \
    namespace cb_f16 { typedef __half T; extern "C" __global__ void NAME##_f16 PARAMS { NAME<T> ARGS; } }
