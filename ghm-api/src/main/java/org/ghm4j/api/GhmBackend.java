package org.ghm4j.api;

import java.util.Set;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.LossConfig;

/**
 * A compute backend: a factory of losses and density estimators. Thread-safe. Each loss or
 * estimator it creates owns its own EMA state.
 */
public interface GhmBackend extends AutoCloseable {

    /** The provider's name, e.g. {@code "java"}. */
    String name();

    Set<Capability> capabilities();

    default boolean has(Capability capability) {
        return capabilities().contains(capability);
    }

    /**
     * A new loss for {@code config}: GHM-C ({@code GhmcConfig}), categorical GHM-C
     * ({@code CategoricalConfig}, needs {@link Capability#CATEGORICAL}) or GHM-R ({@code GhmrConfig}).
     * Throws {@code UnsupportedCapabilityException} when the config needs a capability the backend lacks.
     */
    HarmonizedLoss loss(LossConfig config);

    /** A new standalone estimator, to harmonize a loss of one's own. */
    GradientDensityEstimator estimator(EstimatorConfig config);

    /**
     * {@code source} in the form this backend reads and writes without copying: {@code source} itself
     * when it already is (the default, right for heap-array backends), else a copy (the ND4J backend
     * returns an INDArray-backed tensor). Convert inputs once with this and reuse them across calls.
     * Not modified: source.
     */
    default org.ghm4j.api.tensor.Tensor adopt(org.ghm4j.api.tensor.Tensor source) {
        return source;
    }

    /** Releases thread pools or native resources; losses created before must not be used after. */
    @Override
    default void close() {
    }
}
