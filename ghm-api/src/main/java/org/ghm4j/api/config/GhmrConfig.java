package org.ghm4j.api.config;

/**
 * GHM-R with the Authentic Smooth L1 loss (GHM-4, mmdetection's {@code GHMR}).
 *
 * <p>Per element: d = x - t, l = sqrt(d^2 + mu^2) - mu, g = |d| / sqrt(d^2 + mu^2); the loss is
 * lossWeight * sum_i beta_i * l_i / tot (MEAN) with tot = max(sum of label weights, 1), and
 * dL/dx_i = lossWeight * beta_i * d_i / sqrt(d_i^2 + mu^2) / tot.
 *
 * @param mu         ASL1 smoothness, finite and > 0 (default 0.02)
 * @param bins       M, 1..1000 (default 10)
 * @param momentum   EMA momentum in [0, 1) (default 0)
 * @param lossWeight finite scale (default 1)
 * @param reduction  default {@link Reduction#MEAN}
 */
public record GhmrConfig(double mu, int bins, double momentum, double lossWeight, Reduction reduction)
        implements LossConfig {

    public GhmrConfig {
        Validate.positive("mu", mu);
        Validate.bins(bins);
        Validate.momentum(momentum);
        Validate.lossWeight(lossWeight);
        Validate.notNull("reduction", reduction);
    }

    /** mmdetection's {@code GHMR} class defaults (GHM-4.5): mu 0.02, 10 bins, momentum 0, loss weight 1. */
    public static GhmrConfig mmdetection() {
        return new GhmrConfig(0.02, 10, 0.0, 1.0, Reduction.MEAN);
    }

    /** The regression half of mmdetection's {@code retinanet_ghm} recipe: momentum 0.7, loss weight 10. */
    public static GhmrConfig retinanet() {
        return new GhmrConfig(0.02, 10, 0.7, 10.0, Reduction.MEAN);
    }

    public static Builder builder() {
        return new Builder(mmdetection());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public EstimatorConfig estimatorConfig() {
        return new EstimatorConfig(bins, momentum, DensityMode.HARMONIZED, TopEdge.GHMR, TotRule.WEIGHT_SUM);
    }

    /** Builder starting from {@link #mmdetection()}; {@link #build()} validates (GHM-6.4). */
    public static final class Builder {
        private double mu;
        private int bins;
        private double momentum;
        private double lossWeight;
        private Reduction reduction;

        private Builder(GhmrConfig c) {
            mu = c.mu;
            bins = c.bins;
            momentum = c.momentum;
            lossWeight = c.lossWeight;
            reduction = c.reduction;
        }

        public Builder mu(double value) {
            mu = value;
            return this;
        }

        public Builder bins(int value) {
            bins = value;
            return this;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        public Builder lossWeight(double value) {
            lossWeight = value;
            return this;
        }

        public Builder reduction(Reduction value) {
            reduction = value;
            return this;
        }

        public GhmrConfig build() {
            return new GhmrConfig(mu, bins, momentum, lossWeight, reduction);
        }
    }
}
