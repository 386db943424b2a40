package org.cbinfer.kernels.io.onnx;

import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.attr;
import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.in;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cbinfer.kernels.io.onnx.proto.AttributeProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Random small convolutional ONNX models for the differential tests, reproducible from a seed: a chain of
 * blocks, each a Conv (random kernel, stride, dilation, explicit pads or auto_pad, groups incl. depthwise) or
 * a ConvTranspose, followed by some of Relu, Clip, LeakyRelu, Sigmoid, BatchNormalization, Add (per-channel
 * or residual), MaxPool, AveragePool, Concat, Resize/Upsample, Pad and DepthToSpace, written in the
 * conventions of a random opset from 7 to 21.
 */
final class RandomConvModels {
    /** A generated model, its input, and what it contains. */
    record Model(long seed, String description, byte[] bytes, Tensor input) {
        @Override
        public String toString() {
            return "seed " + seed + ": " + description;
        }
    }

    private static final int[] OPSETS = {7, 8, 9, 10, 11, 12, 13, 15, 17, 18, 19, 21};
    private static final String[] AUTO_PADS = {"NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};

    private final Random r;
    private final int opset;
    private final OnnxModelBuilder b;
    private final List<String> parts = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private int next;

    /** A value of the model: its name and [C, H, W]. */
    private record Value(String name, int c, int h, int w) {}

    private RandomConvModels(long seed) {
        this.r = new Random(seed);
        this.opset = OPSETS[r.nextInt(OPSETS.length)];
        this.b = OnnxModelBuilder.opset(opset);
    }

    static Model generate(long seed) {
        return new RandomConvModels(seed).model(seed);
    }

    private Model model(long seed) {
        int c = 1 + r.nextInt(6);
        int h = 5 + r.nextInt(16);
        int w = 5 + r.nextInt(16);
        b.input("x", 1, c, h, w);
        Value v = new Value("x", c, h, w);
        values.add(v);
        int blocks = 1 + r.nextInt(3);
        for (int i = 0; i < blocks; i++) {
            v = r.nextInt(6) == 0 ? convTranspose(v) : conv(v);
            int followers = r.nextInt(3);
            for (int j = 0; j < followers; j++) v = follower(v);
        }
        b.output(v.name());
        return new Model(seed, "opset " + opset + ": " + String.join(" ", parts), b.bytes(), normal(r, 1.0, 1, c, h, w));
    }

    private Value conv(Value x) {
        int groups;
        int cout;
        switch (r.nextInt(3)) {
            case 0: groups = x.c(); cout = x.c() * (1 + r.nextInt(2)); break;
            case 1: groups = divisor(x.c()); cout = groups * (1 + r.nextInt(3)); break;
            default: groups = 1; cout = 1 + r.nextInt(8);
        }
        int[] k = {1 + r.nextInt(5), 1 + r.nextInt(5)};
        int[] s = {1 + r.nextInt(3), 1 + r.nextInt(3)};
        int[] d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        String autoPad = AUTO_PADS[r.nextInt(AUTO_PADS.length)];
        if (!autoPad.equals("NOTSET")) d = new int[] {1, 1}; // ONNX Runtime refuses dilated SAME convolutions
        int[] pads = {r.nextInt(k[0]), r.nextInt(k[1]), r.nextInt(k[0]), r.nextInt(k[1])};
        int[] dims = {x.h(), x.w()};
        for (int a = 0; a < 2; a++) {
            while ((k[a] - 1) * d[a] + 1 > dims[a] + (autoPad.equals("NOTSET") ? pads[a] + pads[a + 2] : 0)) {
                if (d[a] > 1) d[a]--; else k[a]--;
            }
        }
        int oh = outLength(x.h(), k[0], s[0], d[0], pads[0], pads[2], autoPad);
        int ow = outLength(x.w(), k[1], s[1], d[1], pads[1], pads[3], autoPad);
        String wName = name("w");
        b.initializer(wName, normal(r, 1.0 / Math.sqrt(x.c() / groups * k[0] * k[1]), cout, x.c() / groups, k[0], k[1]));
        List<String> inputs = new ArrayList<>(List.of(x.name(), wName));
        if (r.nextBoolean()) {
            String bias = name("b");
            b.initializer(bias, normal(r, 0.5, cout));
            inputs.add(bias);
        }
        List<AttributeProto> attrs = new ArrayList<>(List.of(attr("strides", s[0], s[1]), attr("dilations", d[0], d[1]),
                attr("group", (long) groups)));
        if (r.nextBoolean()) attrs.add(attr("kernel_shape", k[0], k[1]));
        attrs.add(autoPad.equals("NOTSET") ? attr("pads", pads[0], pads[1], pads[2], pads[3]) : attr("auto_pad", autoPad));
        String y = name("conv");
        b.node("Conv", inputs.toArray(String[]::new), y, attrs.toArray(AttributeProto[]::new));
        parts.add("Conv(" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1] + " d" + d[0] + "x" + d[1] + " "
                + (autoPad.equals("NOTSET") ? "pads" + java.util.Arrays.toString(pads) : autoPad)
                + " g" + groups + " " + x.c() + "->" + cout + ")");
        return keep(new Value(y, cout, oh, ow));
    }

    private Value convTranspose(Value x) {
        int groups = r.nextBoolean() ? 1 : divisor(x.c());
        int cout = groups * (1 + r.nextInt(3));
        int[] k = {1 + r.nextInt(4), 1 + r.nextInt(4)};
        int[] s = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        int[] d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        int[] pads = {r.nextInt(k[0]), r.nextInt(k[1]), r.nextInt(k[0]), r.nextInt(k[1])};
        int[] outPad = {r.nextInt(s[0]), r.nextInt(s[1])}; // ONNX Runtime leaves NaNs where output padding >= stride
        int oh = s[0] * (x.h() - 1) + outPad[0] + (k[0] - 1) * d[0] + 1 - pads[0] - pads[2];
        int ow = s[1] * (x.w() - 1) + outPad[1] + (k[1] - 1) * d[1] + 1 - pads[1] - pads[3];
        if (oh < 1 || ow < 1) {
            pads = new int[4];
            oh = s[0] * (x.h() - 1) + outPad[0] + (k[0] - 1) * d[0] + 1;
            ow = s[1] * (x.w() - 1) + outPad[1] + (k[1] - 1) * d[1] + 1;
        }
        String wName = name("wt");
        b.initializer(wName, normal(r, 1.0 / Math.sqrt(x.c() * k[0] * k[1]), x.c(), cout / groups, k[0], k[1]));
        String y = name("convT");
        b.node("ConvTranspose", in(x.name(), wName), y, attr("strides", s[0], s[1]), attr("dilations", d[0], d[1]),
                attr("group", (long) groups), attr("pads", pads[0], pads[1], pads[2], pads[3]),
                attr("output_padding", outPad[0], outPad[1]));
        parts.add("ConvTranspose(" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1] + " d" + d[0] + "x" + d[1]
                + " pads" + java.util.Arrays.toString(pads) + " outpad" + java.util.Arrays.toString(outPad) + " g" + groups
                + " " + x.c() + "->" + cout + ")");
        return keep(new Value(y, cout, oh, ow));
    }

    private Value follower(Value x) {
        switch (r.nextInt(12)) {
            case 0: return unary(x, "Relu");
            case 1: return clip(x);
            case 2: return unary(x, "LeakyRelu", attr("alpha", 0.01f + r.nextFloat() * 0.3f));
            case 3: return unary(x, "Sigmoid");
            case 4: return batchNorm(x);
            case 5: return addition(x);
            case 6: return maxPool(x);
            case 7: return averagePool(x);
            case 8: return concat(x);
            case 9: return resize(x);
            case 10: return pad(x);
            default: return x.c() % 4 == 0 ? depthToSpace(x) : unary(x, "Relu");
        }
    }

    private Value unary(Value x, String op, AttributeProto... attrs) {
        String y = name(op.toLowerCase());
        b.node(op, in(x.name()), y, attrs);
        parts.add(op);
        return keep(new Value(y, x.c(), x.h(), x.w()));
    }

    private Value clip(Value x) {
        float min = -r.nextFloat();
        float max = 0.5f + 5 * r.nextFloat();
        String y = name("clip");
        if (opset < 11) {
            b.node("Clip", in(x.name()), y, attr("min", min), attr("max", max));
        } else {
            String lo = name("min");
            String hi = name("max");
            b.initializer(lo, Tensor.scalar(min)).initializer(hi, Tensor.scalar(max));
            b.node("Clip", in(x.name(), lo, hi), y);
        }
        parts.add("Clip");
        return keep(new Value(y, x.c(), x.h(), x.w()));
    }

    private Value batchNorm(Value x) {
        String[] p = {name("scale"), name("shift"), name("mean"), name("var")};
        b.initializer(p[0], normal(r, 1.0, x.c())).initializer(p[1], normal(r, 1.0, x.c())).initializer(p[2], normal(r, 1.0, x.c()));
        float[] var = new float[x.c()];
        for (int i = 0; i < var.length; i++) var[i] = 0.1f + r.nextFloat();
        b.initializer(p[3], Tensor.of(new int[] {x.c()}, var));
        String y = name("bn");
        b.node("BatchNormalization", in(x.name(), p[0], p[1], p[2], p[3]), y, attr("epsilon", 1e-3f));
        parts.add("BatchNormalization");
        return keep(new Value(y, x.c(), x.h(), x.w()));
    }

    /** Add: a residual of an earlier value of the same shape if there is one, else a per-channel constant. */
    private Value addition(Value x) {
        Value other = values.stream().filter(v -> v != x && v.c() == x.c() && v.h() == x.h() && v.w() == x.w()).findFirst().orElse(null);
        String operand;
        if (other != null) {
            operand = other.name();
            parts.add("Add(residual)");
        } else {
            operand = name("k");
            b.initializer(operand, normal(r, 1.0, x.c(), 1, 1));
            parts.add("Add(per-channel)");
        }
        String y = name("add");
        b.node("Add", r.nextBoolean() ? in(x.name(), operand) : in(operand, x.name()), y);
        return keep(new Value(y, x.c(), x.h(), x.w()));
    }

    private Value maxPool(Value x) {
        return pool(x, "MaxPool");
    }

    private Value averagePool(Value x) {
        return pool(x, "AveragePool");
    }

    private Value pool(Value x, String op) {
        int[] k = {1 + r.nextInt(Math.min(3, x.h())), 1 + r.nextInt(Math.min(3, x.w()))};
        int[] s = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        int[] d = {1, 1};
        String autoPad = AUTO_PADS[r.nextInt(AUTO_PADS.length)];
        int[] pads = {r.nextInt(k[0]), r.nextInt(k[1]), r.nextInt(k[0]), r.nextInt(k[1])};
        boolean ceil = opset >= 10 && r.nextBoolean();
        boolean includePad = op.equals("AveragePool") && r.nextBoolean();
        if (includePad) {
            // ONNX Runtime 1.22 takes the wrong end pad for the divisor (onnxruntime#27375) and divides
            // ceil-mode overhangs by the whole kernel (onnxruntime#16203): only symmetric, floor-mode cases
            autoPad = "NOTSET";
            java.util.Arrays.fill(pads, r.nextInt(Math.min(k[0], k[1])));
            ceil = false;
        }
        if (op.equals("MaxPool") && opset >= 10 && autoPad.equals("NOTSET") && r.nextInt(3) == 0) {
            // not with auto_pad: ONNX Runtime pads dilated SAME pools for the undilated kernel
            d = new int[] {x.h() >= 2 * k[0] ? 2 : 1, x.w() >= 2 * k[1] ? 2 : 1};
        }
        List<AttributeProto> attrs = new ArrayList<>(List.of(attr("kernel_shape", k[0], k[1]), attr("strides", s[0], s[1])));
        if (d[0] > 1 || d[1] > 1) attrs.add(attr("dilations", d[0], d[1]));
        attrs.add(autoPad.equals("NOTSET") ? attr("pads", pads[0], pads[1], pads[2], pads[3]) : attr("auto_pad", autoPad));
        if (ceil) attrs.add(attr("ceil_mode", 1L));
        if (includePad) attrs.add(attr("count_include_pad", 1L));
        int oh = poolLength(x.h(), k[0], s[0], d[0], pads[0], pads[2], autoPad, ceil);
        int ow = poolLength(x.w(), k[1], s[1], d[1], pads[1], pads[3], autoPad, ceil);
        String y = name(op.toLowerCase());
        b.node(op, in(x.name()), y, attrs.toArray(AttributeProto[]::new));
        parts.add(op + "(" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1] + (d[0] * d[1] > 1 ? " d" + d[0] + "x" + d[1] : "") + " "
                + (autoPad.equals("NOTSET") ? "pads" + java.util.Arrays.toString(pads) : autoPad) + (ceil ? " ceil" : "")
                + (includePad ? " incl-pad" : "") + ")");
        return keep(new Value(y, x.c(), oh, ow));
    }

    /** Concat along channels with a 1x1 convolution of the same value. */
    private Value concat(Value x) {
        int c2 = 1 + r.nextInt(4);
        String wName = name("w1x1");
        b.initializer(wName, normal(r, 1.0 / Math.sqrt(x.c()), c2, x.c(), 1, 1));
        String branch = name("branch");
        b.node("Conv", in(x.name(), wName), branch);
        String y = name("concat");
        b.node("Concat", r.nextBoolean() ? in(x.name(), branch) : in(branch, x.name()), y, attr("axis", r.nextBoolean() ? 1L : -3L));
        parts.add("Concat(+1x1 conv " + c2 + ")");
        return keep(new Value(y, x.c() + c2, x.h(), x.w()));
    }

    /** Resize (opset 10 on) or Upsample (before), by integer scales or (opset 11 on) to sizes. */
    private Value resize(Value x) {
        boolean linear = r.nextBoolean();
        String mode = linear ? "linear" : "nearest";
        int sh = 1 + r.nextInt(2);
        int sw = 1 + r.nextInt(2);
        float[] scales = {1, 1, sh, sw};
        String y = name("resize");
        if (opset < 10) {
            if (opset < 9) {
                b.node("Upsample", in(x.name()), y, attr("mode", mode), attr("scales", scales));
            } else {
                String sc = name("scales");
                b.initializer(sc, Tensor.of(new int[] {4}, scales));
                b.node("Upsample", in(x.name(), sc), y, attr("mode", mode));
            }
            parts.add("Upsample(" + mode + " " + sh + "x" + sw + ")");
            return keep(new Value(y, x.c(), x.h() * sh, x.w() * sw));
        }
        if (opset == 10) {
            String sc = name("scales");
            b.initializer(sc, Tensor.of(new int[] {4}, scales));
            b.node("Resize", in(x.name(), sc), y, attr("mode", mode));
            parts.add("Resize-10(" + mode + " " + sh + "x" + sw + ")");
            return keep(new Value(y, x.c(), x.h() * sh, x.w() * sw));
        }
        String[] coordinateModes = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"};
        String coordinates = coordinateModes[r.nextInt(linear ? 4 : 5)];
        String[] nearestModes = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
        String nearest = nearestModes[r.nextInt(4)];
        if (coordinates.equals("tf_half_pixel_for_nn") && (sh == 1 || sw == 1)) {
            // ONNX Runtime copies an axis of scale 1 as it is, where rounding up would shift it by one
            nearest = r.nextBoolean() ? "floor" : "round_prefer_floor";
        }
        boolean bySize = r.nextBoolean();
        // Nearest sampling only at integer scales: other scales put source coordinates on rounding ties,
        // which ONNX Runtime (float) and the engine (double) may break differently.
        int oh = bySize && linear ? Math.max(1, x.h() * (2 + r.nextInt(4)) / 3) : x.h() * sh;
        int ow = bySize && linear ? Math.max(1, x.w() * (2 + r.nextInt(4)) / 3) : x.w() * sw;
        String roi = "";
        String sc = "";
        String sizes = "";
        if (opset < 13) {
            roi = name("roi");
            b.initializer(roi, Tensor.zeros(0));
        }
        if (bySize) {
            if (opset < 13) {
                sc = name("scales");
                b.initializer(sc, Tensor.zeros(0));
            }
            sizes = name("sizes");
            b.initializer(OnnxModelBuilder.longs(sizes, 1, x.c(), oh, ow));
        } else {
            sc = name("scales");
            b.initializer(sc, Tensor.of(new int[] {4}, scales));
        }
        String[] inputs = bySize ? in(x.name(), roi, sc, sizes) : in(x.name(), roi, sc);
        b.node("Resize", inputs, y, attr("mode", mode), attr("coordinate_transformation_mode", coordinates),
                attr("nearest_mode", nearest));
        parts.add("Resize(" + mode + " " + coordinates + (linear ? "" : " " + nearest) + " "
                + (bySize ? "to " + oh + "x" + ow : sh + "x" + sw) + ")");
        return keep(new Value(y, x.c(), oh, ow));
    }

    private Value pad(Value x) {
        String[] modes = {"constant", "reflect", "edge"};
        String mode = modes[r.nextInt(3)];
        int limitH = mode.equals("reflect") ? x.h() - 1 : 3;
        int limitW = mode.equals("reflect") ? x.w() - 1 : 3;
        long[] pads = {0, 0, r.nextInt(Math.min(3, limitH) + 1), r.nextInt(Math.min(3, limitW) + 1),
            0, 0, r.nextInt(Math.min(3, limitH) + 1), r.nextInt(Math.min(3, limitW) + 1)};
        float value = mode.equals("constant") ? r.nextFloat() : 0f;
        String y = name("pad");
        if (opset < 11) {
            b.node("Pad", in(x.name()), y, attr("mode", mode), attr("pads", pads), attr("value", value));
        } else {
            String p = name("pads");
            String v = name("value");
            b.initializer(OnnxModelBuilder.longs(p, pads)).initializer(v, Tensor.scalar(value));
            b.node("Pad", in(x.name(), p, v), y, attr("mode", mode));
        }
        parts.add("Pad(" + mode + " " + java.util.Arrays.toString(pads) + ")");
        return keep(new Value(y, x.c(), x.h() + (int) (pads[2] + pads[6]), x.w() + (int) (pads[3] + pads[7])));
    }

    private Value depthToSpace(Value x) {
        String y = name("d2s");
        boolean crd = opset >= 11 && r.nextBoolean();
        if (opset >= 11) {
            b.node("DepthToSpace", in(x.name()), y, attr("blocksize", 2L), attr("mode", crd ? "CRD" : "DCR"));
        } else {
            b.node("DepthToSpace", in(x.name()), y, attr("blocksize", 2L));
        }
        parts.add("DepthToSpace(2 " + (crd ? "CRD" : "DCR") + ")");
        return keep(new Value(y, x.c() / 4, x.h() * 2, x.w() * 2));
    }

    private static int outLength(int in, int k, int s, int d, int before, int after, String autoPad) {
        int effective = (k - 1) * d + 1;
        switch (autoPad) {
            case "SAME_UPPER": case "SAME_LOWER": return (in + s - 1) / s;
            case "VALID": return (in - effective) / s + 1;
            default: return (in + before + after - effective) / s + 1;
        }
    }

    /** Pool output length; in ceil mode the last window must start inside the input or its leading padding. */
    private static int poolLength(int in, int k, int s, int d, int before, int after, String autoPad, boolean ceil) {
        if (!autoPad.equals("NOTSET")) return outLength(in, k, s, d, before, after, autoPad);
        int span = in + before + after - ((k - 1) * d + 1);
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + before) out--;
        return out;
    }

    private int divisor(int c) {
        List<Integer> ds = new ArrayList<>();
        for (int g = 1; g <= c; g++) if (c % g == 0) ds.add(g);
        return ds.get(r.nextInt(ds.size()));
    }

    private Value keep(Value v) {
        values.add(v);
        return v;
    }

    private String name(String base) {
        return base + "_" + next++;
    }

    static Tensor normal(Random r, double std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * std);
        return t;
    }
}
