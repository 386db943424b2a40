/**
 * The CUDA backend: the change-based engine on an NVIDIA GPU. One binding, JavaCPP's CUDA presets, serves the
 * driver API for the project's own kernels ({@code src/main/cuda}: change detection, dilation, compaction, gather,
 * scatter and the small ops; compiled into a fatbin by the build when nvcc is present, each launched through a
 * typed parameter record of {@link org.cbinfer.kernels.cuda.Kernels}), cuBLASLt for the GEMM of the changed
 * positions and cuDNN for dense passes, all on one stream in one context. The machine provides NVIDIA's libraries
 * (CUDA 13, cuDNN 9). {@link org.cbinfer.kernels.cuda.CudaBackend} is opened through
 * {@link org.cbinfer.kernels.backend.Backend#builder()}; {@link org.cbinfer.kernels.cuda.Cuda} says whether this
 * machine can run it and, if not, which library is missing and where it was looked for.
 */
package org.cbinfer.kernels.cuda;
