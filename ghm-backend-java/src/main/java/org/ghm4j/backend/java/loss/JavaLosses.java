package org.ghm4j.backend.java.loss;

import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.Workers;

/** Creates the Java losses and estimators on a shared {@link Workers}. */
public final class JavaLosses {
    private JavaLosses() {
    }

    public static HarmonizedLoss create(LossConfig config, Workers workers) {
        if (config instanceof GhmcConfig c) {
            return new JavaGhmcLoss(c, workers);
        }
        if (config instanceof GhmrConfig c) {
            return new JavaGhmrLoss(c, workers);
        }
        if (config instanceof CategoricalConfig c) {
            return new JavaCategoricalLoss(c, workers);
        }
        throw new IllegalArgumentException("unknown loss config " + config);
    }

    public static GradientDensityEstimator estimator(EstimatorConfig config, Workers workers) {
        return new JavaEstimator(config, workers);
    }
}
