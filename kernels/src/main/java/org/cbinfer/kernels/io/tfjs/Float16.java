package org.cbinfer.kernels.io.tfjs;

/** IEEE 754 half precision to float, for TFJS weights quantized to {@code float16}. */
final class Float16 {
    private Float16() {}

    /** The float value of the 16 bits {@code h} (sign, 5 exponent bits, 10 mantissa bits). */
    static float toFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // infinity or NaN
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // zero or subnormal: mantissa * 2^-24, exact in float
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
