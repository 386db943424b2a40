package org.cbinfer.job.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value} and {@code --flag}. Unknown options are an error
 * naming the option and the ones the command knows.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {}

    /**
     * @param withValue options that take a value
     * @param flagNames options that take none
     */
    public static Args parse(List<String> argv, Set<String> withValue, Set<String> flagNames) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (!arg.startsWith("--")) throw new UsageException("unexpected argument '" + arg + "'");
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flagNames.contains(name) && inline == null) {
                a.flags.add(name);
            } else if (withValue.contains(name)) {
                String v = inline != null ? inline : (i + 1 < argv.size() ? argv.get(++i) : null);
                if (v == null) throw new UsageException("option --" + name + " needs a value");
                a.values.put(name, v);
            } else {
                Set<String> known = new java.util.TreeSet<>(withValue);
                known.addAll(flagNames);
                throw new UsageException("unknown option --" + name + " (known: --" + String.join(", --", known) + ")");
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name) || flags.contains(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String require(String name) {
        String v = values.get(name);
        if (v == null) throw new UsageException("option --" + name + " is required");
        return v;
    }

    public int intValue(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public float floatValue(String name, float fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** A {@code WxH} option as {width, height}, or null when absent. */
    public int[] size(String name) {
        String v = values.get(name);
        if (v == null) return null;
        String[] p = v.toLowerCase().split("x");
        try {
            int w = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]);
            if (p.length != 2 || w <= 0 || h <= 0 || w > 16384 || h > 16384) throw new NumberFormatException();
            return new int[] {w, h};
        } catch (RuntimeException e) {
            throw new UsageException("--" + name + " expects WIDTHxHEIGHT (1..16384), got '" + v + "'");
        }
    }

    /** An {@code A:B} frame range as {from, to} (to exclusive), or null when absent. */
    public long[] range(String name) {
        String v = values.get(name);
        if (v == null) return null;
        String[] p = v.split(":");
        try {
            long a = Long.parseLong(p[0]), b = Long.parseLong(p[1]);
            if (p.length != 2 || a < 0 || b <= a) throw new NumberFormatException();
            return new long[] {a, b};
        } catch (RuntimeException e) {
            throw new UsageException("--" + name + " expects FROM:TO with 0 <= FROM < TO, got '" + v + "'");
        }
    }

    /** A wrong command line: printed with the command's usage, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
