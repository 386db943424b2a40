// The project's CUDA kernels, one compilation unit (one module for the driver API to load) of one header per
// kernel family. The algorithm and the data layout: docs/algorithm.md and common.cuh.
#include "common.cuh"
#include "io.cuh"
#include "detect.cuh"
#include "dilate.cuh"
#include "conv.cuh"
#include "window.cuh"
#include "elementwise.cuh"
#include "post.cuh"
