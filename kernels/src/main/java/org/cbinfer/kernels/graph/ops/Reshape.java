package org.cbinfer.kernels.graph.ops;

import java.util.Arrays;
import org.cbinfer.kernels.tensor.Shapes;

/** Reshape with ONNX semantics: -1 is inferred, 0 copies the input dimension (unless {@code allowZero}). */
public record Reshape(int[] shape, boolean allowZero) implements Op {
    @Override
    public String type() {
        return "Reshape";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        int n = Shapes.size(x);
        int[] out = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                Op.require(infer < 0, "more than one -1 in reshape target " + Arrays.toString(shape));
                infer = i;
                continue;
            }
            if (out[i] == 0 && !allowZero) {
                Op.require(i < x.length, "reshape target copies dimension " + i + " the input does not have");
                out[i] = x[i];
            }
            Op.require(out[i] >= 0, "invalid reshape target " + Arrays.toString(shape));
            known *= out[i];
        }
        if (infer >= 0) {
            Op.require(known > 0 && n % known == 0, "cannot reshape " + Shapes.str(x) + " to " + Arrays.toString(shape));
            out[infer] = (int) (n / known);
        }
        Op.require(Shapes.size(out) == n, "cannot reshape " + Shapes.str(x) + " (" + n + " values) to " + Shapes.str(out));
        return out;
    }

    @Override
    public String describe() {
        return Arrays.toString(shape);
    }
}
