/**
 * The CUDA backend: the change-based engine on an NVIDIA GPU through the CUDA driver API (JCuda), with the
 * project's own kernels ({@code src/main/cuda}, compiled into a fatbin by the build when nvcc is present).
 * {@link org.cbinfer.kernels.cuda.CudaBackend} is opened through
 * {@link org.cbinfer.kernels.backend.Backend#builder()}; {@link org.cbinfer.kernels.cuda.Cuda} says whether
 * this machine can run it and, if not, why.
 */
package org.cbinfer.kernels.cuda;
