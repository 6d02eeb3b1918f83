package org.ghm4j.api.config;

/**
 * Settings of a {@code GradientDensityEstimator}: M bins over [0, top edge), EMA momentum a,
 * density mode and tot rule. Invalid values are refused when built (GHM-6.4).
 *
 * @param bins     M, 1 <= M <= 1000
 * @param momentum a in [0, 1); 0 means no state (S_k = R_k)
 * @param mode     {@link DensityMode#HARMONIZED} (GHM-1.5/1.6) or {@link DensityMode#SEED} (GHM-1.7)
 * @param topEdge  the last edge e_M (GHM-1.2)
 * @param totRule  how tot is computed
 */
public record EstimatorConfig(int bins, double momentum, DensityMode mode, TopEdge topEdge, TotRule totRule) {

    public EstimatorConfig {
        Validate.bins(bins);
        Validate.momentum(momentum);
        Validate.notNull("mode", mode);
        Validate.notNull("topEdge", topEdge);
        Validate.notNull("totRule", totRule);
    }

    /** GHM-C's estimator (mmdetection): 30 bins, momentum 0.75, harmonized, tot = valid count. */
    public static EstimatorConfig ghmc() {
        return new EstimatorConfig(30, 0.75, DensityMode.HARMONIZED, TopEdge.GHMC, TotRule.VALID_COUNT);
    }

    /** GHM-R's estimator (mmdetection class defaults): 10 bins, momentum 0, tot = weight sum. */
    public static EstimatorConfig ghmr() {
        return new EstimatorConfig(10, 0.0, DensityMode.HARMONIZED, TopEdge.GHMR, TotRule.WEIGHT_SUM);
    }

    public EstimatorConfig withBins(int newBins) {
        return new EstimatorConfig(newBins, momentum, mode, topEdge, totRule);
    }

    public EstimatorConfig withMomentum(double newMomentum) {
        return new EstimatorConfig(bins, newMomentum, mode, topEdge, totRule);
    }

    /** The float32 bin edges of GHM-1.2 for these settings. */
    public BinEdges edges() {
        return new BinEdges(bins, topEdge);
    }
}
