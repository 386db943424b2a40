package org.cbinfer.operators.inference;

/** A frame the operator could not or would not process, and why: goes to the dead-letter output. */
public record FrameRejection(String camera, long sequence, String origin, String reason) {}
