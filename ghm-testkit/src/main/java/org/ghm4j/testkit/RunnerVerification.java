package org.ghm4j.testkit;

import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;

/**
 * The concrete verification that {@link ConformanceRunner} hands to the JUnit Platform: it takes
 * the backend factory from {@link #current}, which the runner sets for the duration of one run
 * (runs are serialized). Not for direct use.
 */
class RunnerVerification extends GhmBackendVerification {

    /** What one run verifies. */
    record Setup(Supplier<GhmBackend> backend, Function<BackendOptions, GhmBackend> withOptions,
                 GhmBackendProvider provider, Tolerances tolerances, Collection<Path> vectorDirectories) {
    }

    static volatile Setup current;

    private static Setup setup() {
        Setup s = current;
        if (s == null) {
            throw new IllegalStateException("RunnerVerification runs only inside ConformanceRunner.run()");
        }
        return s;
    }

    @Override
    protected GhmBackend createBackend() {
        return setup().backend().get();
    }

    @Override
    protected GhmBackend createBackend(BackendOptions options) {
        Function<BackendOptions, GhmBackend> f = setup().withOptions();
        return f == null ? null : f.apply(options);
    }

    @Override
    protected GhmBackendProvider provider() {
        return setup().provider();
    }

    @Override
    protected Tolerances tolerances() {
        return setup().tolerances();
    }

    @Override
    protected Collection<Path> extraVectorDirectories() {
        return setup().vectorDirectories();
    }
}
