package org.ghm4j.api.config;

/**
 * GHM-C with sigmoid cross-entropy (GHM-2, mmdetection's {@code GHMC}).
 *
 * <p>Per element: p = sigmoid(x), g = |p - t|, l = BCE-with-logits(x, t); the loss is
 * lossWeight * sum_i beta_i * l_i / tot (MEAN) with tot = max(#valid, 1), and
 * dL/dx_i = lossWeight * beta_i * (p_i - t_i) / tot.
 *
 * @param bins       M, 1..1000 (default 30)
 * @param momentum   EMA momentum in [0, 1) (default 0.75)
 * @param lossWeight finite scale of the loss and gradient (default 1)
 * @param reduction  default {@link Reduction#MEAN}
 * @param input      {@link InputKind#LOGITS} (default) or probabilities (GHM-2.7)
 */
public record GhmcConfig(int bins, double momentum, double lossWeight, Reduction reduction, InputKind input)
        implements LossConfig {

    public GhmcConfig {
        Validate.bins(bins);
        Validate.momentum(momentum);
        Validate.lossWeight(lossWeight);
        Validate.notNull("reduction", reduction);
        Validate.notNull("input", input);
    }

    /** mmdetection's {@code GHMC} defaults (GHM-2.6): 30 bins, momentum 0.75, loss weight 1, MEAN, logits. */
    public static GhmcConfig mmdetection() {
        return new GhmcConfig(30, 0.75, 1.0, Reduction.MEAN, InputKind.LOGITS);
    }

    /** The classification half of mmdetection's {@code retinanet_ghm} recipe (same values as {@link #mmdetection()}). */
    public static GhmcConfig retinanet() {
        return mmdetection();
    }

    public static Builder builder() {
        return new Builder(mmdetection());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public EstimatorConfig estimatorConfig() {
        return new EstimatorConfig(bins, momentum, DensityMode.HARMONIZED, TopEdge.GHMC, TotRule.VALID_COUNT);
    }

    /** Builder starting from {@link #mmdetection()}; {@link #build()} validates (GHM-6.4). */
    public static final class Builder {
        private int bins;
        private double momentum;
        private double lossWeight;
        private Reduction reduction;
        private InputKind input;

        private Builder(GhmcConfig c) {
            bins = c.bins;
            momentum = c.momentum;
            lossWeight = c.lossWeight;
            reduction = c.reduction;
            input = c.input;
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

        public Builder input(InputKind value) {
            input = value;
            return this;
        }

        public GhmcConfig build() {
            return new GhmcConfig(bins, momentum, lossWeight, reduction, input);
        }
    }
}
