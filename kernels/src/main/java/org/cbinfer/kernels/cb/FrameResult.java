package org.cbinfer.kernels.cb;

import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/** The graph outputs for one frame (copies: they stay valid after later frames) and what it cost. */
public record FrameResult(Map<String, Tensor> outputs, FrameStats stats) {}
