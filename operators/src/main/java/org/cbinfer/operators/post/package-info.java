/**
 * Post-processing of network outputs into results, pure Java (no Flink) so it is testable alone:
 * {@link org.cbinfer.operators.post.PoseDecoder} (PoseNet multi-person skeletons),
 * {@link org.cbinfer.operators.post.LabelMapper} (segmentation label maps with PNG masks) and
 * {@link org.cbinfer.operators.post.ResultJson} (the Result JSON parts they produce).
 */
package org.cbinfer.operators.post;
