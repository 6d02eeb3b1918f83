package org.ghm4j.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the whole kit ({@link GhmBackendVerification}: every rule test and every vector case)
 * against one backend, programmatically, for the command line
 * ({@code ./ghm conformance --backend NAME [--vectors DIR ...] [--report FILE]}) and for tests:
 *
 * <pre>{@code
 * ConformanceReport report = ConformanceRunner.forProvider(provider)
 *         .vectorDirectories(List.of(Path.of("my-vectors")))
 *         .listener(r -> System.out.println(r.line()))
 *         .run();
 * System.out.println(report.summaryLine()); // conformance backend=java: 71 passed, 0 failed, 1 skipped
 * }</pre>
 *
 * <p>It drives the JUnit Platform Launcher over the same verification class an implementor
 * extends, so the command line and a Maven test run check exactly the same things. Runs are
 * serialized (one at a time per class loader).
 */
public final class ConformanceRunner {
    private static final Object LOCK = new Object();

    private final String name;
    private final Supplier<GhmBackend> backend;
    private Function<BackendOptions, GhmBackend> withOptions;
    private GhmBackendProvider provider;
    private final List<Path> vectorDirectories = new ArrayList<>();
    private Tolerances tolerances = Tolerances.ghm93();
    private Consumer<RuleResult> listener = r -> { };

    private ConformanceRunner(String name, Supplier<GhmBackend> backend) {
        this.name = Objects.requireNonNull(name, "name");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * A run of the backends {@code backend} creates (one per test); GHM-7.5 is skipped unless
     * {@link #withOptions(Function)} is given.
     */
    public static ConformanceRunner of(String name, Supplier<GhmBackend> backend) {
        return new ConformanceRunner(name, backend);
    }

    /** A run of a provider's backend: default options, and threads 1 vs 4 for GHM-7.5. */
    public static ConformanceRunner forProvider(GhmBackendProvider provider) {
        ConformanceRunner r = new ConformanceRunner(provider.name(), () -> provider.create(BackendOptions.defaults()))
                .withOptions(provider::create);
        r.provider = provider;
        return r;
    }

    /** How to create the backend with explicit options (GHM-7.5). */
    public ConformanceRunner withOptions(Function<BackendOptions, GhmBackend> factory) {
        this.withOptions = factory;
        return this;
    }

    /** Extra vector directories (GHM-9.4), searched recursively; the property ghm.testkit.vectors adds more. */
    public ConformanceRunner vectorDirectories(Collection<Path> dirs) {
        vectorDirectories.addAll(dirs);
        return this;
    }

    public ConformanceRunner tolerances(Tolerances value) {
        tolerances = Objects.requireNonNull(value, "tolerances");
        return this;
    }

    /** Receives each result as soon as it is known (for streaming output). */
    public ConformanceRunner listener(Consumer<RuleResult> value) {
        listener = Objects.requireNonNull(value, "listener");
        return this;
    }

    /** Runs every rule test and vector case; never throws for a failing backend (see the report). */
    public ConformanceReport run() {
        synchronized (LOCK) {
            List<RuleResult> results = new ArrayList<>();
            RunnerVerification.current = new RunnerVerification.Setup(backend, withOptions, provider, tolerances,
                    List.copyOf(vectorDirectories));
            try {
                LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(RunnerVerification.class))
                        .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                        .build();
                Launcher launcher = LauncherFactory.create();
                launcher.execute(request, new Collector(results, listener));
            } finally {
                RunnerVerification.current = null;
            }
            List<RuleResult> ordered = new ArrayList<>(results);
            ordered.sort(Comparator.comparing((RuleResult r) -> r.kind().ordinal()));
            return new ConformanceReport(name, ordered);
        }
    }

    /** Turns JUnit events into results: one per test method or dynamic vector test, and one per failed container. */
    private static final class Collector implements TestExecutionListener {
        private final List<RuleResult> results;
        private final Consumer<RuleResult> listener;

        Collector(List<RuleResult> results, Consumer<RuleResult> listener) {
            this.results = results;
            this.listener = listener;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            add(id, RuleResult.Status.SKIP, reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) {
                        add(id, RuleResult.Status.PASS, "");
                    }
                }
                case ABORTED -> add(id, RuleResult.Status.SKIP, message(result.getThrowable()));
                case FAILED -> add(id, RuleResult.Status.FAIL, message(result.getThrowable()));
            }
        }

        private void add(TestIdentifier id, RuleResult.Status status, String message) {
            boolean vector = id.getUniqueId().contains("[dynamic-test:");
            String name;
            String rule;
            if (vector) {
                name = id.getDisplayName();
                rule = "GHM-9.1";
            } else if (id.getSource().orElse(null) instanceof MethodSource m) {
                name = m.getMethodName();
                rule = Optional.ofNullable(RuleOrder.ruleOf(name)).orElse("");
            } else {
                name = id.getDisplayName();
                rule = "";
            }
            RuleResult r = new RuleResult(vector ? RuleResult.Kind.VECTOR : RuleResult.Kind.RULE, name, rule,
                    vector ? id.getSource().map(Collector::where).orElse("vector case") : id.getDisplayName(), status,
                    message);
            results.add(r);
            listener.accept(r);
        }

        /** The vector file of a dynamic test, as a path or class-path resource name. */
        private static String where(org.junit.platform.engine.TestSource source) {
            if (source instanceof org.junit.platform.engine.support.descriptor.ClasspathResourceSource c) {
                return "classpath:" + c.getClasspathResourceName();
            }
            if (source instanceof org.junit.platform.engine.support.descriptor.FileSource f) {
                return f.getFile().getPath();
            }
            return source.toString();
        }

        private static String message(Optional<Throwable> t) {
            if (t.isEmpty()) {
                return "";
            }
            Throwable e = t.get();
            String m = e.getMessage();
            if (e instanceof org.opentest4j.TestAbortedException) {
                return m == null ? "skipped" : m.replaceFirst("^Assumption failed: ", "");
            }
            if (e instanceof AssertionError) {
                return m == null ? e.getClass().getSimpleName() : m;
            }
            return e.getClass().getName() + (m == null ? "" : ": " + m);
        }
    }
}
