package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds vector files (GHM-9.1, GHM-9.4): the cases bundled in this jar (the shared sample and
 * the testkit's own, listed in {@code org/ghm4j/testkit/vectors/data/bundled.txt}), plus every
 * {@code *.json} with a {@code "function"} field under each extra directory, searched recursively
 * (other JSON files, such as {@code index.json}, are ignored). Extra directories come from the
 * caller and from the system property {@value #PROPERTY} (comma-separated).
 */
public final class VectorCases {
    /** System property with extra vector directories, comma-separated. */
    public static final String PROPERTY = "ghm.testkit.vectors";

    private static final String BUNDLED = "org/ghm4j/testkit/vectors/data/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private VectorCases() {
    }

    /** Bundled cases, then the property's directories, then {@code extraDirs}, in file-name order. */
    public static List<VectorCase> all(Collection<Path> extraDirs) {
        List<VectorCase> out = new ArrayList<>(bundled());
        Set<Path> dirs = new LinkedHashSet<>(propertyDirs());
        dirs.addAll(extraDirs);
        for (Path dir : dirs) {
            out.addAll(fromDirectory(dir));
        }
        return out;
    }

    /** The directories named by {@value #PROPERTY}. */
    public static List<Path> propertyDirs() {
        List<Path> dirs = new ArrayList<>();
        String value = System.getProperty(PROPERTY, "");
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                dirs.add(Path.of(part.trim()));
            }
        }
        return dirs;
    }

    /**
     * Resource listing vector files that another jar ships (one resource path per line): how
     * ghm-detection adds its {@code retinanet_ghm_mmdet} cases whenever it is on the class path.
     */
    public static final String CONTRIBUTED = "META-INF/ghm4j/vectors.txt";

    /** The cases shipped in this jar, then those listed by every {@value #CONTRIBUTED} on the class path. */
    public static List<VectorCase> bundled() {
        List<VectorCase> out = new ArrayList<>();
        ClassLoader loader = VectorCases.class.getClassLoader();
        try (InputStream list = loader.getResourceAsStream(BUNDLED + "bundled.txt")) {
            if (list == null) {
                throw new IllegalStateException("the testkit jar has no " + BUNDLED + "bundled.txt");
            }
            for (String line : lines(list)) {
                out.add(resource(loader, BUNDLED + line));
            }
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            java.util.Enumeration<java.net.URL> lists = (context != null ? context : loader).getResources(CONTRIBUTED);
            while (lists.hasMoreElements()) {
                try (InputStream in = lists.nextElement().openStream()) {
                    for (String line : lines(in)) {
                        out.add(resource(context != null ? context : loader, line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> lines(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (!line.isBlank() && !line.trim().startsWith("#")) {
                out.add(line.trim());
            }
        }
        return out;
    }

    private static VectorCase resource(ClassLoader loader, String resource) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled vector " + resource + " is missing from the class path");
            }
            return new VectorCase(resource, MAPPER.readTree(in));
        }
    }

    /** Every {@code *.json} under {@code dir} (recursively) that has a {@code "function"} field. */
    public static List<VectorCase> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("vector directory " + dir.toAbsolutePath() + " does not exist");
        }
        List<VectorCase> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList()) {
                JsonNode json = MAPPER.readTree(f.toFile());
                if (json != null && json.isObject() && json.has("function")) {
                    out.add(new VectorCase(f.toString(), json));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vectors under " + dir, e);
        }
        return out;
    }
}
