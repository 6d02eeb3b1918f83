package org.ghm4j.api;

import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.Tensor;

/**
 * Turns gradient norms into harmonizing weights (GHM-1), owning the EMA state: use it to harmonize
 * a loss of one's own. Thread-safe; each call's state update is atomic (GHM-5.4).
 *
 * <p>Per element i with g_i in bin k (GHM-1.2) and valid when its label weight is > 0:
 * HARMONIZED mode writes beta_i = tot / S_k / n (0 when invalid); SEED mode writes 1 / S_k
 * (1 when invalid, as the seed does).
 */
public interface GradientDensityEstimator extends DensityStateful {

    EstimatorConfig config();

    /**
     * @param gradNorms   g, any shape, float32 or float64, each in [0, top edge). Not modified.
     * @param labelWeight same shape as g, or [N] (broadcast over the trailing dimensions), or null
     *                    (all valid); finite. Not modified.
     * @param weightsOut  same shape as g; overwritten with the weights
     * @param stats       overwritten with this call's counts, tot and n
     * @param update      {@link StateUpdate#COMMIT} to move the state
     */
    void estimate(Tensor gradNorms, Tensor labelWeight, Tensor weightsOut, BinStats stats, StateUpdate update);

    /** Allocating convenience: commits and returns new float weights shaped like {@code gradNorms}. */
    default Tensor estimate(Tensor gradNorms, Tensor labelWeight) {
        Tensor out = Tensor.zeros(gradNorms.dtype(), gradNorms.shape());
        estimate(gradNorms, labelWeight, out, new BinStats(), StateUpdate.COMMIT);
        return out;
    }
}
