package org.ghm4j.testkit.example;

import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.error.UnsupportedCapabilityException;
import org.ghm4j.testkit.oracle.OracleBackend;

/**
 * A worked third-party backend: GHM-C from logits and GHM-R only (computed by the testkit's
 * oracle), declaring just {@link Capability#DETERMINISTIC}. It refuses what it does not declare
 * (GHM-7.4), so the kit skips the categorical, probability and float64 rules and checks the rest.
 */
public final class SmallBackend implements GhmBackend {
    public static final String NAME = "small";

    private final GhmBackend engine = new OracleBackend();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC);
    }

    @Override
    public HarmonizedLoss loss(LossConfig config) {
        if (config instanceof CategoricalConfig) {
            throw new UnsupportedCapabilityException("backend 'small' has no categorical losses (needs CATEGORICAL)");
        }
        if (config instanceof GhmcConfig c && c.input() == InputKind.PROBABILITIES) {
            throw new UnsupportedCapabilityException("backend 'small' takes logits only (needs PROBABILITY_INPUT)");
        }
        return engine.loss(config);
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return engine.estimator(config);
    }
}
