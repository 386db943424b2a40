package org.cbinfer.testkit;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which public types of a module lack a stability annotation. A user reads {@code @PublicEvolving} (API:
 * may change between minor versions, with notice) or {@code @Internal} (no promise) on every public type of
 * {@code connectors} and {@code operators}, as in Flink itself; a module's test calls {@link #unmarked} over its
 * compiled classes so a new public type cannot ship without saying which it is.
 *
 * <pre>{@code
 * assertEquals(List.of(), ApiStability.unmarked(Path.of("target/classes"), "org.cbinfer.connectors",
 *         PublicEvolving.class, Internal.class));
 * }</pre>
 */
public final class ApiStability {
    private ApiStability() {}

    /**
     * @param classes   a module's compiled classes (its {@code target/classes})
     * @param rootPackage the package whose types are checked (sub-packages included)
     * @param markers   the annotations that count as a stability statement
     * @return the names of the public top-level types under {@code rootPackage} carrying none of {@code markers}
     */
    @SafeVarargs
    public static List<String> unmarked(Path classes, String rootPackage, Class<? extends Annotation>... markers)
            throws IOException {
        Path dir = classes.resolve(rootPackage.replace('.', '/'));
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no compiled classes under " + dir);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                    .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(name -> !name.endsWith("package-info"))
                    .sorted()
                    .filter(name -> {
                        Class<?> type = load(name);
                        if (!Modifier.isPublic(type.getModifiers())) return false;
                        for (Class<? extends Annotation> m : markers) if (type.isAnnotationPresent(m)) return false;
                        return true;
                    })
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiStability.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class " + name + " is not on the test class path", e);
        }
    }
}
