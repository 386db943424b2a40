package org.cbinfer.kernels.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Random CNN graphs for property tests: chains and DAGs of every convolution form (strided, dilated,
 * asymmetric / SAME / VALID padding, grouped, depthwise, transposed), pooling, activations, residual
 * adds, concats, resizes, pads, batch norms and squeeze-excitation blocks. {@code boundable} restricts
 * the ops to those whose error amplification the tests can bound (no multiplications of two signals).
 */
public final class RandomGraphs {
    private final Random r;
    private final boolean boundable;
    private final Graph.Builder b = Graph.builder();
    private final List<String> names = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();
    private int counter;

    private RandomGraphs(long seed, boolean boundable) {
        this.r = new Random(seed);
        this.boundable = boundable;
    }

    public record Generated(Graph graph, int[] inputShape) {}

    public static Generated generate(long seed, boolean boundable) {
        return new RandomGraphs(seed, boundable).build();
    }

    private Generated build() {
        int[] input = {1, 1 + r.nextInt(4), 5 + r.nextInt(10), 5 + r.nextInt(10)};
        b.input("x", input);
        names.add("x");
        shapes.add(input);
        int nodes = 2 + r.nextInt(7);
        for (int i = 0; i < nodes; i++) addRandomNode();
        if (names.size() == 1) addConv(0);
        b.output(names.get(names.size() - 1));
        if (names.size() > 3 && r.nextBoolean()) {
            int other = 1 + r.nextInt(names.size() - 2);
            b.output(names.get(other));
        }
        return new Generated(b.build(), input);
    }

    private void addRandomNode() {
        int src = names.size() - 1 - (names.size() > 1 && r.nextInt(3) == 0 ? r.nextInt(names.size() - 1) : 0);
        switch (r.nextInt(boundable ? 10 : 12)) {
            case 0, 1, 2 -> addConv(src);
            case 3 -> addConvTranspose(src);
            case 4 -> addPool(src);
            case 5 -> add(new Unary(randomActivation()), src);
            case 6 -> addJoin(src);
            case 7 -> addResize(src);
            case 8 -> addPad(src);
            case 9 -> addBatchNorm(src);
            default -> addSqueezeExcitation(src);
        }
    }

    private String add(Op op, int... inputs) {
        String name = op.type().toLowerCase() + "_" + (counter++);
        int[][] in = new int[inputs.length][];
        String[] inNames = new String[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = shapes.get(inputs[i]);
            inNames[i] = names.get(inputs[i]);
        }
        int[] out;
        try {
            out = op.outputShape(in);
        } catch (IllegalArgumentException e) {
            return null; // geometry does not fit this input: skip
        }
        if (out[2] < 1 || out[3] < 1 || out[2] > 40 || out[3] > 40) return null;
        b.node(name, op, inNames);
        names.add(name);
        shapes.add(out);
        return name;
    }

    private Padding randomPadding(int k) {
        switch (r.nextInt(4)) {
            case 0: return Padding.SAME;
            case 1: return new Padding(Padding.Mode.SAME_LOWER, 0, 0, 0, 0);
            case 2: return Padding.VALID;
            default: return Padding.explicit(r.nextInt(k), r.nextInt(k), r.nextInt(k), r.nextInt(k));
        }
    }

    private void addConv(int src) {
        int cin = shapes.get(src)[1];
        int k = new int[] {1, 2, 3, 3, 5}[r.nextInt(5)];
        int groups = 1;
        int cout = 1 + r.nextInt(6);
        int kind = r.nextInt(4);
        if (kind == 0) {
            groups = cin;
            cout = cin * (1 + r.nextInt(2));
        } else if (kind == 1 && cin % 2 == 0) {
            groups = 2;
            cout = 2 * (1 + r.nextInt(3));
        }
        int stride = 1 + (r.nextInt(3) == 0 ? 1 : 0);
        int dilation = 1 + (r.nextInt(4) == 0 ? 1 : 0);
        Window w = new Window(k, k, stride, stride, dilation, dilation, randomPadding(k));
        add(new Conv2d(randomTensor(cout, cin / groups, k, k), randomVector(cout), w, groups, randomActivation()), src);
    }

    private void addConvTranspose(int src) {
        int cin = shapes.get(src)[1];
        int k = 1 + r.nextInt(3);
        int stride = 1 + r.nextInt(2);
        int cout = 1 + r.nextInt(4);
        int p = r.nextInt(k);
        add(new ConvTranspose2d(randomTensor(cin, cout, k, k), randomVector(cout), stride, stride, 1, 1,
                p, r.nextInt(k), p, r.nextInt(k), r.nextInt(stride), r.nextInt(stride), null, true, 1,
                randomActivation()), src);
    }

    private void addPool(int src) {
        int k = 2 + r.nextInt(2);
        int stride = 1 + r.nextInt(2);
        Padding pad = r.nextBoolean() ? Padding.VALID : Padding.explicit(r.nextInt(k / 2 + 1), r.nextInt(k / 2 + 1),
                r.nextInt(k / 2 + 1), r.nextInt(k / 2 + 1));
        add(new Pool(r.nextBoolean() ? Pool.Kind.MAX : Pool.Kind.AVG, Window.of(k, k, stride, pad), r.nextBoolean(),
                r.nextBoolean()), src);
    }

    /** A residual add (same shape) or a channel concat (same spatial size) with an earlier value. */
    private void addJoin(int src) {
        for (int other = names.size() - 1; other >= 0; other--) {
            if (other == src) continue;
            int[] a = shapes.get(src), o = shapes.get(other);
            if (a[2] != o[2] || a[3] != o[3]) continue;
            if (a[1] == o[1] && r.nextBoolean()) {
                add(new Binary(boundable || r.nextBoolean() ? Binary.Kind.ADD : Binary.Kind.MUL), src, other);
            } else {
                add(new Concat(1), src, other);
            }
            return;
        }
        add(new Unary(Activation.RELU), src);
    }

    private void addResize(int src) {
        Resize.Mode mode = r.nextBoolean() ? Resize.Mode.NEAREST : Resize.Mode.LINEAR;
        Resize.CoordinateMode cm = Resize.CoordinateMode.values()[r.nextInt(Resize.CoordinateMode.values().length)];
        Resize.NearestMode nm = Resize.NearestMode.values()[r.nextInt(Resize.NearestMode.values().length)];
        int[] s = shapes.get(src);
        if (r.nextBoolean()) {
            add(Resize.byScale(mode, cm, nm, 2f, 2f), src);
        } else {
            add(Resize.toSize(mode, cm, nm, Math.max(1, s[2] * 2 / 3), Math.max(1, s[3] + 1)), src);
        }
    }

    private void addPad(int src) {
        Pad.Mode mode = Pad.Mode.values()[r.nextInt(3)];
        int[] s = shapes.get(src);
        int[] pads = new int[8];
        pads[2] = r.nextInt(Math.min(3, s[2]));
        pads[3] = r.nextInt(Math.min(3, s[3]));
        pads[6] = r.nextInt(Math.min(3, s[2]));
        pads[7] = r.nextInt(Math.min(3, s[3]));
        add(new Pad(mode, pads, r.nextFloat()), src);
    }

    private void addBatchNorm(int src) {
        int c = shapes.get(src)[1];
        float[] var = new float[c];
        for (int i = 0; i < c; i++) var[i] = 0.5f + r.nextFloat();
        add(new BatchNorm(randomVector(c), randomVector(c), randomVector(c), var, 1e-5f), src);
    }

    /** Global average pool -> 1x1 conv -> sigmoid -> channel-wise multiply with the source. */
    private void addSqueezeExcitation(int src) {
        int c = shapes.get(src)[1];
        String pooled = add(new GlobalAveragePool(), src);
        if (pooled == null) return;
        String gate = add(new Conv2d(randomTensor(c, c, 1, 1), randomVector(c), Window.of(1, 1, 1, Padding.VALID), 1,
                Activation.SIGMOID), names.size() - 1);
        if (gate == null) return;
        add(new Binary(Binary.Kind.MUL), src, names.size() - 1);
    }

    private Activation randomActivation() {
        switch (r.nextInt(7)) {
            case 0: return Activation.RELU;
            case 1: return Activation.relu6();
            case 2: return Activation.leakyRelu(0.1f);
            case 3: return Activation.SIGMOID;
            case 4: return Activation.TANH;
            case 5: return Activation.hardSigmoid(0.2f, 0.5f);
            default: return Activation.IDENTITY;
        }
    }

    private Tensor randomTensor(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * 0.5);
        return t;
    }

    private float[] randomVector(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * 0.3);
        return v;
    }

    /**
     * A sequence of frames like a static camera's: a random first frame, then frames that differ from the
     * previous one in a random rectangle, by small noise everywhere, or not at all.
     */
    public static List<Tensor> frames(long seed, int[] shape, int count, float noise) {
        Random r = new Random(seed);
        List<Tensor> frames = new ArrayList<>();
        float[] cur = new float[shape[1] * shape[2] * shape[3]];
        for (int i = 0; i < cur.length; i++) cur[i] = r.nextFloat() * 2 - 1;
        frames.add(Tensor.of(shape, cur.clone()));
        int h = shape[2], w = shape[3], plane = h * w;
        for (int f = 1; f < count; f++) {
            switch (r.nextInt(4)) {
                case 0 -> { }
                case 1 -> {
                    for (int i = 0; i < cur.length; i++) cur[i] += (r.nextFloat() * 2 - 1) * noise;
                }
                default -> {
                    int y0 = r.nextInt(h), x0 = r.nextInt(w), y1 = y0 + 1 + r.nextInt(h - y0), x1 = x0 + 1 + r.nextInt(w - x0);
                    for (int c = 0; c < shape[1]; c++) {
                        for (int y = y0; y < y1; y++) {
                            for (int x = x0; x < x1; x++) cur[c * plane + y * w + x] = r.nextFloat() * 2 - 1;
                        }
                    }
                }
            }
            frames.add(Tensor.of(shape, cur.clone()));
        }
        return frames;
    }
}
