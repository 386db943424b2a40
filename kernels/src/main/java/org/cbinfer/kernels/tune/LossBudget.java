package org.cbinfer.kernels.tune;

/**
 * How much the loss may grow while tuning each layer: {@code first} for the first layer, {@code rest} for
 * each later one (the reference's shape: pose 5e-5 then 2e-6 of heatmap MSE; scene labelling 5e-4 then
 * 2.5e-4 of pixel error). The total growth is bounded by {@code first + (layers - 1) * rest}.
 */
public record LossBudget(double first, double rest) {
    public LossBudget {
        if (!(first >= 0) || !(rest >= 0) || Double.isInfinite(first) || Double.isInfinite(rest)) {
            throw new IllegalArgumentException("loss budgets must be finite and >= 0, got " + first + ", " + rest);
        }
    }

    public static LossBudget uniform(double perLayer) {
        return new LossBudget(perLayer, perLayer);
    }

    /** {@code "A"} (every layer) or {@code "A,B"} (first layer, each later one). */
    public static LossBudget parse(String s) {
        String[] p = s.split(",");
        try {
            if (p.length == 1) return uniform(Double.parseDouble(p[0].trim()));
            if (p.length == 2) return new LossBudget(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("budget '" + s + "': expected A (every layer) or A,B (first layer, later layers)");
    }

    public double forLayer(int index) {
        return index == 0 ? first : rest;
    }

    @Override
    public String toString() {
        return first == rest ? Double.toString(first) : first + "," + rest;
    }
}
