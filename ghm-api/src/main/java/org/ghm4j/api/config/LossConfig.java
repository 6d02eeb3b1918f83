package org.ghm4j.api.config;

/**
 * Settings of a {@code HarmonizedLoss}: one of {@link GhmcConfig} (GHM-2), {@link CategoricalConfig}
 * (GHM-3) or {@link GhmrConfig} (GHM-4). Pass one to {@code GhmBackend.loss(config)}.
 */
public sealed interface LossConfig permits GhmcConfig, CategoricalConfig, GhmrConfig {

    int bins();

    double momentum();

    double lossWeight();

    Reduction reduction();

    /** The density estimator settings this loss uses. */
    EstimatorConfig estimatorConfig();
}
