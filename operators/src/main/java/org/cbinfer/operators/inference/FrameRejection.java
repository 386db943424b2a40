package org.cbinfer.operators.inference;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A frame the operator could not or would not process, and why: goes to the dead-letter output, with the frame
 * (including how it arrived, when known) so that nothing of the input is lost.
 */
@PublicEvolving
public record FrameRejection(String camera, long sequence, String origin, String reason, CameraFrame frame) {}
