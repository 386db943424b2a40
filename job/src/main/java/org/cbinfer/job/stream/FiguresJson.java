package org.cbinfer.job.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.cbinfer.operators.inference.CameraFigures;

/**
 * A camera's figures as the JSON of the metrics topic ({@code topics.metrics}), e.g.
 * {@code {"camera":"cam-0","from":"...","to":"...","frames":100,"rejected":0,"keyframes":1,"fps":9.9,
 * "latencyMs":{"mean":41.2,"max":80.0},"changedFraction":0.12,"lastSequence":99}}; {@code changedFraction} is null
 * when the window held only keyframes.
 */
final class FiguresJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FiguresJson() {}

    static byte[] toBytes(CameraFigures f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("camera", f.camera());
        o.put("from", Instant.ofEpochMilli(f.windowStartMillis()).toString());
        o.put("to", Instant.ofEpochMilli(f.windowEndMillis()).toString());
        o.put("frames", f.frames());
        o.put("rejected", f.rejected());
        o.put("keyframes", f.keyframes());
        o.put("fps", f.fps());
        ObjectNode latency = o.putObject("latencyMs");
        latency.put("mean", f.meanLatencyMs());
        latency.put("max", f.maxLatencyMs());
        if (Double.isNaN(f.meanChangedFraction())) o.putNull("changedFraction");
        else o.put("changedFraction", f.meanChangedFraction());
        o.put("lastSequence", f.lastSequence());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write figures of " + f.camera(), e);
        }
    }
}
