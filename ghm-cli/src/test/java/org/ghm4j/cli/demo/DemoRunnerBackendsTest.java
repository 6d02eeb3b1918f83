package org.ghm4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.backend.java.JavaBackendProvider;
import org.ghm4j.core.GhmBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with more than one backend: every available provider runs, the first is the reference, the
 * others are compared with it; a backend that cannot start is reported and the others still run.
 * The second backend is the real Java kernel under another name, run on one thread: the Java backend
 * is DETERMINISTIC, so it must agree bit for bit (GHM-7.5).
 */
class DemoRunnerBackendsTest {

    /** The Java backend registered as {@code name}, on {@code threads} threads. */
    record JavaOnThreads(String name, int priority, int threads) implements GhmBackendProvider {
        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Set<Capability> capabilities() {
            return new JavaBackendProvider().capabilities();
        }

        @Override
        public String artifact() {
            return "org.ghm4j:ghm-backend-java";
        }

        @Override
        public GhmBackend create(BackendOptions options) {
            return new JavaBackendProvider().create(new BackendOptions(threads));
        }
    }

    /** A provider that says it is available but cannot create its backend. */
    record Broken(String name) implements GhmBackendProvider {
        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public String artifact() {
            return "none";
        }

        @Override
        public GhmBackend create(BackendOptions options) {
            throw new IllegalStateException("no native library here");
        }
    }

    @Test
    void everyAvailableBackendRunsAndTheyAgree(@TempDir Path dir) {
        GhmBackends registry = GhmBackends.of(List.of(new JavaBackendProvider(), new JavaOnThreads("java1", 5, 1),
                new Broken("broken")));
        StringWriter out = new StringWriter();
        DemoResult r = new DemoRunner(new DemoOptions(3, 2, null, dir, false), registry, new PrintWriter(out, true),
                Progress.silent(), StandardCharsets.US_ASCII).run();
        String text = out.toString();
        assertEquals(List.of("java", "java1"), List.copyOf(r.ghm().keySet()));
        assertEquals(List.of("java1"), r.difference().compared());
        assertEquals(0.0, r.difference().loss());
        assertEquals(0.0, r.difference().gradient());
        assertEquals(0.0, r.difference().state());
        assertTrue(r.difference().withinTolerance());
        assertTrue(text.contains("backends java, java1, broken"), text);
        assertTrue(text.contains("FAILED   backend broken failed to start: [GHM-BACKEND-FAILED] GHM backend 'broken' failed to"
                + " start:"
                + " java.lang.IllegalStateException: no native library here"), text);
        assertTrue(text.contains("largest difference between backends (java1 against java, all steps):"), text);
        assertTrue(text.contains("  loss 0.00e+00 (relative), gradient 0.00e+00 (max |diff| / max |gradient|),"
                + " state 0.00e+00 (relative) -> within the GHM-9.3 tolerances"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("   2  java1 .*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("  GHM-C \\+ GHM-R +java1 .* ms")), text);
        assertEquals(Set.of("broken"), r.failures().keySet());
        // ASCII output: the state bars use ASCII characters.
        assertTrue(text.chars().allMatch(c -> c < 128), "non-ASCII output");
    }

    @Test
    void backendOptionRestrictsToOne(@TempDir Path dir) {
        GhmBackends registry = GhmBackends.of(List.of(new JavaBackendProvider(), new JavaOnThreads("java1", 5, 1)));
        StringWriter out = new StringWriter();
        DemoResult r = new DemoRunner(new DemoOptions(3, 1, "java1", dir, false), registry, new PrintWriter(out, true),
                Progress.silent(), StandardCharsets.UTF_8).run();
        assertEquals(List.of("java1"), List.copyOf(r.ghm().keySet()));
        assertTrue(out.toString().contains("backends java1; also found: java (not chosen)"), out.toString());
        assertTrue(out.toString().contains("largest difference between backends: only java1 ran, nothing to compare"),
                out.toString());
    }
}
