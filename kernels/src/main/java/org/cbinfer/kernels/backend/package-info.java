/**
 * The backends that run a model change-based for many streams: {@link org.cbinfer.kernels.backend.Backend},
 * built by {@link org.cbinfer.kernels.backend.BackendBuilder}; the CPU reference and the CUDA backend.
 */
package org.cbinfer.kernels.backend;
