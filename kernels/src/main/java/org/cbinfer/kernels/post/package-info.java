/**
 * Post-processing the engine does itself, where the backend computes: label maps of segmentation outputs
 * ({@link org.cbinfer.kernels.post.LabelRule}, the one definition both backends follow), so that a GPU backend
 * downloads one byte a pixel instead of the class scores.
 */
package org.cbinfer.kernels.post;
