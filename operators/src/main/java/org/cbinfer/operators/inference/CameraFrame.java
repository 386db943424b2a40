package org.cbinfer.operators.inference;

/**
 * One decoded frame of one camera, as the inference operator takes it: RGB24 pixels row-major, with
 * the camera's sequence number and capture time. {@code origin} says where it came from (for error
 * reports, e.g. topic/partition/offset).
 */
public record CameraFrame(String camera, long sequence, long captureTimeMillis, int width, int height, byte[] rgb,
                          String origin) {}
