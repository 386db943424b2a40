package org.cbinfer.kernels.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Closeness of computed to expected outputs as numpy's {@code assert_allclose} (which ONNX's backend tests
 * use): {@code |got - expected| <= atol + rtol * |expected|}, NaN only where NaN is expected.
 */
record Tolerance(double rtol, double atol) {
    /** ONNX's backend test tolerance. */
    static final Tolerance ONNX = new Tolerance(1e-3, 1e-7);

    void assertClose(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        expected.forEach((name, e) -> {
            Tensor a = actual.get(name);
            if (a == null) fail(what + ": no output '" + name + "' among " + actual.keySet());
            assertClose(e, a, what + " output '" + name + "'");
        });
    }

    void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.data();
        float[] a = actual.data();
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs((double) a[i] - e[i]);
            boolean ok = Float.isNaN(e[i]) ? Float.isNaN(a[i]) : diff <= atol + rtol * Math.abs(e[i]) || a[i] == e[i];
            if (!ok) {
                if (first < 0) first = i;
                bad++;
                worst = Double.isNaN(diff) ? Double.NaN : Math.max(worst, diff);
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + e.length + " values differ beyond rtol " + rtol + ", atol " + atol
                    + "; first at flat index " + first + ": expected " + e[first] + ", got " + a[first]
                    + "; largest difference " + worst);
        }
    }
}
