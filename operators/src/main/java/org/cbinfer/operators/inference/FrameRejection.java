package org.cbinfer.operators.inference;

/**
 * A frame the operator could not or would not process, and why: goes to the dead-letter output, with the frame
 * (including how it arrived, when known) so that nothing of the input is lost.
 */
public record FrameRejection(String camera, long sequence, String origin, String reason, CameraFrame frame) {}
