package org.ghm4j.backend.java;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.Workers;
import org.ghm4j.backend.java.loss.JavaLosses;

/**
 * The pure-Java backend: float32 data on the Java heap read in place (other tensors copied),
 * float64 arithmetic per element, chunks fixed by the shape on a private ForkJoinPool, chunk
 * results combined in order, so results are bit-identical for any thread count (DETERMINISTIC).
 */
public final class JavaBackend implements GhmBackend {
    public static final String NAME = "java";

    static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(
            EnumSet.of(Capability.PROBABILITY_INPUT, Capability.DETERMINISTIC, Capability.CATEGORICAL));

    private final Workers workers;

    public JavaBackend(BackendOptions options) {
        this.workers = new Workers(Objects.requireNonNull(options, "options").effectiveThreads());
    }

    /** A backend with one thread per processor. */
    public JavaBackend() {
        this(BackendOptions.defaults());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** Threads used by the kernels. */
    public int threads() {
        return workers.threads();
    }

    @Override
    public HarmonizedLoss loss(LossConfig config) {
        return JavaLosses.create(Objects.requireNonNull(config, "config"), workers);
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return JavaLosses.estimator(config, workers);
    }

    @Override
    public void close() {
        workers.close();
    }

    @Override
    public String toString() {
        return "JavaBackend[threads=" + workers.threads() + "]";
    }
}
