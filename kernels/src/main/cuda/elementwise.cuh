// Element-wise and layout ops over every position (exact, so their change masks come from the inputs'), and the
// bias and activation that follow a library convolution.
#pragma once

#include "common.cuh"

template <typename T>
__device__ void unary(T* const* inputs, T* const* outputs, long count, int activation, float alpha, float beta) {
    int cam = blockIdx.y;
    const T* x = inputs[cam];
    T* y = outputs[cam];
    grid_loop(count, [&](auto i) {
        store_f(&y[i], activate(load_f(&x[i]), activation, alpha, beta));
    });
}

// out[i] = a[i % aPeriod] op b[i % bPeriod]: same shape (period n), one value per channel of an NHWC image
// (period C), or a scalar (period 1).
template <typename T>
__device__ void binary(T* const* left, long leftPeriod, T* const* right, long rightPeriod, T* const* outputs,
                       long count, int op) {
    int cam = blockIdx.y;
    const T* x = left[cam];
    const T* z = right[cam];
    T* y = outputs[cam];
    grid_loop(count, [&](auto i) {
        store_f(&y[i], combine(load_f(&x[i % leftPeriod]), load_f(&z[i % rightPeriod]), op));
    });
}

// One input's slice of a channel concatenation: out[p, offset + c] = in[p, c].
template <typename T>
__device__ void concat_channels(T* const* inputs, T* const* outputs, int plane, int inChannels, int outChannels,
                                int offset) {
    int cam = blockIdx.y;
    const T* x = inputs[cam];
    T* y = outputs[cam];
    long n = (long) plane * inChannels;
    grid_loop(n, [&](auto i) {
        int p = (int) (i / inChannels), c = (int) (i - (long) p * inChannels);
        y[(size_t) p * outChannels + offset + c] = x[i];
    });
}

// y = act(y + bias[c]) in place over a contiguous batch of NHWC values (channels innermost): the epilogue of a
// cuDNN convolution, which computes the convolution alone.
template <typename T>
__device__ void bias_activate(T* values, long count, int channels, const float* __restrict__ bias, int activation,
                              float alpha, float beta) {
    const long stride = (long) gridDim.x * blockDim.x;
    const int channelStep = (int) (stride % channels);  // the channel moves by this much from one element to the next
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    int c = (int) (i % channels);
    for (; i < count; i += stride) {
        store_f(&values[i], activate(load_f(&values[i]) + bias[c], activation, alpha, beta));
        c += channelStep;
        if (c >= channels) c -= channels;
    }
}

CB_TYPED(unary, (T* const* inputs, T* const* outputs, long count, int activation, float alpha, float beta),
         (inputs, outputs, count, activation, alpha, beta))
CB_TYPED(binary,
         (T* const* left, long leftPeriod, T* const* right, long rightPeriod, T* const* outputs, long count, int op),
         (left, leftPeriod, right, rightPeriod, outputs, count, op))
CB_TYPED(concat_channels,
         (T* const* inputs, T* const* outputs, int plane, int inChannels, int outChannels, int offset),
         (inputs, outputs, plane, inChannels, outChannels, offset))
CB_TYPED(bias_activate,
         (T* values, long count, int channels, const float* bias, int activation, float alpha, float beta),
         (values, count, channels, bias, activation, alpha, beta))
