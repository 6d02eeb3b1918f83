package org.ghm4j.api.config;

/**
 * Categorical (softmax) GHM-C (GHM-3). Inputs are rows of C class scores; the histogram covers
 * every class element g = |y - p| of the valid rows.
 * <ul>
 *   <li>{@link CategoricalMode#SEED} (GHM-3.3): p clipped to [epsilon, 1 - epsilon], state per
 *       GHM-1.7, row loss sum_c -y_c log p_c / D_c; MEAN divides by N (all rows).</li>
 *   <li>{@link CategoricalMode#HARMONIZED} (GHM-3.4): weights per GHM-1.5/1.6 with
 *       tot = max(#valid rows * C, 1); element loss -y_c log p_c; invalid rows give 0.</li>
 * </ul>
 * With {@link Reduction#NONE} the per-element output is one value per row (shape [N]).
 *
 * @param bins       M, 1..1000 (default 30)
 * @param momentum   EMA momentum in [0, 1) (default 0.75)
 * @param mode       seed or harmonized
 * @param input      logits (softmax applied inside) or probabilities
 * @param epsilon    probability clip, in (0, 0.5) (default 1e-7)
 * @param lossWeight finite scale (default 1)
 * @param reduction  default {@link Reduction#MEAN}
 */
public record CategoricalConfig(int bins, double momentum, CategoricalMode mode, InputKind input,
                                double epsilon, double lossWeight, Reduction reduction) implements LossConfig {

    public CategoricalConfig {
        Validate.bins(bins);
        Validate.momentum(momentum);
        Validate.notNull("mode", mode);
        Validate.notNull("input", input);
        if (!(epsilon > 0.0 && epsilon < 0.5)) {
            throw new org.ghm4j.api.error.InvalidConfigException("epsilon must be in (0, 0.5), got " + epsilon);
        }
        Validate.lossWeight(lossWeight);
        Validate.notNull("reduction", reduction);
    }

    /** The tf.keras seed (GHM-3.3): 30 bins, momentum 0.75, probabilities input, epsilon 1e-7. */
    public static CategoricalConfig seedCategorical() {
        return new CategoricalConfig(30, 0.75, CategoricalMode.SEED, InputKind.PROBABILITIES, 1e-7, 1.0, Reduction.MEAN);
    }

    /** Harmonized categorical GHM-C (GHM-3.4), from logits: 30 bins, momentum 0.75. */
    public static CategoricalConfig harmonizedCategorical() {
        return new CategoricalConfig(30, 0.75, CategoricalMode.HARMONIZED, InputKind.LOGITS, 1e-7, 1.0, Reduction.MEAN);
    }

    public static Builder builder() {
        return new Builder(harmonizedCategorical());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public EstimatorConfig estimatorConfig() {
        return mode == CategoricalMode.SEED
                ? new EstimatorConfig(bins, momentum, DensityMode.SEED, TopEdge.UNIT, TotRule.VALID_COUNT)
                : new EstimatorConfig(bins, momentum, DensityMode.HARMONIZED, TopEdge.GHMC, TotRule.VALID_COUNT);
    }

    /** Builder starting from {@link #harmonizedCategorical()}; {@link #build()} validates (GHM-6.4). */
    public static final class Builder {
        private int bins;
        private double momentum;
        private CategoricalMode mode;
        private InputKind input;
        private double epsilon;
        private double lossWeight;
        private Reduction reduction;

        private Builder(CategoricalConfig c) {
            bins = c.bins;
            momentum = c.momentum;
            mode = c.mode;
            input = c.input;
            epsilon = c.epsilon;
            lossWeight = c.lossWeight;
            reduction = c.reduction;
        }

        public Builder bins(int value) {
            bins = value;
            return this;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        public Builder mode(CategoricalMode value) {
            mode = value;
            return this;
        }

        public Builder input(InputKind value) {
            input = value;
            return this;
        }

        public Builder epsilon(double value) {
            epsilon = value;
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

        public CategoricalConfig build() {
            return new CategoricalConfig(bins, momentum, mode, input, epsilon, lossWeight, reduction);
        }
    }
}
