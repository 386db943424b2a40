package org.cbinfer.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kernel Java launches takes, in order, the parameters its CUDA entry point declares: the parameter record of
 * each {@link Kernels} entry has the names of the CUDA parameters and matching types (pointers and graph handles as
 * long), and every entry point of the CUDA sources has a record. Runs without a GPU: it reads the sources.
 */
class KernelSignaturesTest {
    private static final Path SOURCES = sources();
    private static final Pattern EXTERN = Pattern.compile(
            "extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(\\w+)\\s*\\(");

    /** kernels/src/main/cuda of the project above the working directory (Maven runs in kernels/, others at the root). */
    private static Path sources() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw"))) return p.resolve("kernels/src/main/cuda");
        }
        return Path.of("src/main/cuda");
    }

    /** C parameter: its type as written and its name. */
    record Param(String type, String name) {}

    private static final Map<String, List<Param>> entries = new LinkedHashMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cuh") || p.toString().endsWith(".cu")).sorted().toList()) {
                parse(Files.readString(f));
            }
        }
        assertFalse(entries.isEmpty(), "no entry points found under " + SOURCES.toAbsolutePath());
    }

    private static void parse(String source) {
        String code = source.replaceAll("//[^\n]*", "");
        int at = 0;
        while ((at = code.indexOf("CB_TYPED(", at)) >= 0) {
            if (code.startsWith("#define CB_TYPED", Math.max(0, at - 8))) {
                at += 9;
                continue;
            }
            int open = at + "CB_TYPED".length();
            String body = balanced(code, open);
            List<String> parts = topLevelSplit(body.substring(1, body.length() - 1));
            assertEquals(3, parts.size(), "CB_TYPED(NAME, (PARAMS), (ARGS)): " + body);
            String name = parts.get(0).trim();
            List<Param> params = params(parts.get(1).trim());
            List<String> args = topLevelSplit(strip(parts.get(2).trim())).stream().map(String::trim).toList();
            assertEquals(params.stream().map(Param::name).toList(), args, name + ": ARGS must forward PARAMS in order");
            entries.put(name, params);
            at = open + body.length();
        }
        Matcher m = EXTERN.matcher(code);
        while (m.find()) {
            if (code.lastIndexOf("#define", m.start()) > code.lastIndexOf('\n', m.start())) continue;  // inside CB_TYPED
            String params = balanced(code, m.end() - 1);
            entries.put(m.group(1), params(params));
        }
    }

    /** The parenthesised text starting at {@code open} (which holds '('), parentheses included. */
    private static String balanced(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') depth++;
            if (s.charAt(i) == ')' && --depth == 0) return s.substring(open, i + 1);
        }
        throw new AssertionError("unbalanced parentheses at " + s.substring(open, Math.min(s.length(), open + 80)));
    }

    private static String strip(String parenthesised) {
        assertTrue(parenthesised.startsWith("(") && parenthesised.endsWith(")"), parenthesised);
        return parenthesised.substring(1, parenthesised.length() - 1);
    }

    private static List<String> topLevelSplit(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0, from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (c == ',' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<Param> params(String parenthesised) {
        List<Param> list = new ArrayList<>();
        String inner = strip(parenthesised).trim();
        if (inner.isEmpty()) return list;
        for (String p : topLevelSplit(inner)) {
            String t = p.trim().replaceAll("\\s+", " ");
            Matcher m = Pattern.compile("(.*?)(\\w+)$").matcher(t);
            assertTrue(m.matches(), "parameter " + t);
            list.add(new Param(m.group(1).trim(), m.group(2)));
        }
        return list;
    }

    /** The Java type a CUDA parameter type is passed as. */
    private static Class<?> javaType(String cType) {
        if (cType.contains("*") || cType.equals("long") || cType.equals("unsigned long long")
                || cType.equals("cudaGraphConditionalHandle")) {
            return long.class;
        }
        if (cType.equals("int") || cType.equals("unsigned")) return int.class;
        if (cType.equals("float")) return float.class;
        throw new AssertionError("no Java type for CUDA parameter type " + cType);
    }

    @Test
    void everyLaunchRecordMatchesItsEntryPointsParameters() {
        for (Kernels.Kernel<?> k : Kernels.ALL) {
            List<Param> params = entries.get(k.name());
            assertNotNull(params, "no entry point " + k.name() + (k.typed() ? " (CB_TYPED)" : "") + " in " + SOURCES);
            RecordComponent[] components = k.parameters().getRecordComponents();
            assertEquals(params.size(), components.length, k.name() + ": parameter count of " + k.parameters().getSimpleName());
            for (int i = 0; i < components.length; i++) {
                Param p = params.get(i);
                assertEquals(p.name(), components[i].getName(), k.name() + " parameter " + i);
                assertEquals(javaType(p.type()), components[i].getType(), k.name() + "." + p.name() + " (" + p.type() + ")");
            }
        }
    }

    @Test
    void everyEntryPointIsLaunchedThroughARecord() {
        List<String> launched = Stream.of(Kernels.ALL).map(Kernels.Kernel::name).toList();
        for (String entry : entries.keySet()) assertTrue(launched.contains(entry), entry + " has no record in Kernels");
    }

    @Test
    void typedEntriesNameTheStorageType() {
        assertEquals("detect_commit_f16", Kernels.DETECT_COMMIT.entry(org.cbinfer.kernels.backend.Precision.FP16));
        assertEquals("detect_commit_f32", Kernels.DETECT_COMMIT.entry(org.cbinfer.kernels.backend.Precision.TF32));
        assertEquals("next_chunk", Kernels.NEXT_CHUNK.entry(org.cbinfer.kernels.backend.Precision.FP16));
    }
}
