package org.ghm4j.testkit.oracle;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.LossConfig;

/**
 * The testkit's reference backend: a deliberately plain float64 implementation of docs/spec.md
 * (GHM-1 to GHM-6, D-1 to D-11), independent of every other backend and of the shared helpers
 * of ghm-api ({@code EmaDensity}, {@code BinEdges.binOf}): its own edges and linear-scan binning,
 * its own EMA, one element at a time. The verification classes compare backends against it on
 * random batches, and it passes the whole kit itself.
 *
 * <p>Capabilities: FLOAT64, PROBABILITY_INPUT, CATEGORICAL, DETERMINISTIC (single-threaded, so
 * any thread count gives identical bits). Not fast: meant for batches of up to ~10^5 elements.
 */
public class OracleBackend implements GhmBackend {
    /** The key of this backend. */
    public static final String NAME = "oracle";

    private final String name;
    private final OracleMath math;
    private final Set<Capability> capabilities;

    /** The oracle with the spec's formulas. */
    public OracleBackend() {
        this(NAME, new OracleMath());
    }

    /**
     * An oracle built on other formulas: the testkit's own tests pass a deliberately wrong
     * {@link OracleMath} to prove that the verification catches each mistake.
     */
    public OracleBackend(String name, OracleMath math) {
        this.name = Objects.requireNonNull(name, "name");
        this.math = Objects.requireNonNull(math, "math");
        this.capabilities = EnumSet.of(Capability.FLOAT64, Capability.PROBABILITY_INPUT, Capability.CATEGORICAL,
                Capability.DETERMINISTIC);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.copyOf(capabilities);
    }

    @Override
    public HarmonizedLoss loss(LossConfig config) {
        return new OracleLoss(Objects.requireNonNull(config, "config"), math);
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return new OracleEstimator(Objects.requireNonNull(config, "config"), math);
    }
}
