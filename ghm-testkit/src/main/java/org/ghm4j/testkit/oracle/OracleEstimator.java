package org.ghm4j.testkit.oracle;

import java.util.Arrays;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.HistogramSynchronizer;
import org.ghm4j.api.tensor.Tensor;

/**
 * The oracle's standalone estimator (GHM-1): g in [0, e_M) per element (D-8), label weights as
 * masks, and per element beta_i = tot / S'_k / n (HARMONIZED, 0 when invalid) or 1 / S'_k (SEED,
 * 1 when invalid).
 */
final class OracleEstimator implements GradientDensityEstimator {
    private final EstimatorConfig config;
    private final OracleMath math;
    private final OracleDensity density;
    private final float[] edges;

    OracleEstimator(EstimatorConfig config, OracleMath math) {
        this.config = config;
        this.math = math;
        this.density = new OracleDensity(config, math);
        this.edges = math.edges(config.bins(), config.topEdge().value());
    }

    @Override
    public EstimatorConfig config() {
        return config;
    }

    @Override
    public void estimate(Tensor gradNorms, Tensor labelWeight, Tensor weightsOut, BinStats stats, StateUpdate update) {
        int[] shape = gradNorms.shape();
        int len = gradNorms.length();
        if (labelWeight != null) {
            int[] w = labelWeight.shape();
            boolean perRow = w.length == 1 && shape.length >= 1 && w[0] == shape[0];
            if (!perRow && !Arrays.equals(w, shape)) {
                throw InputErrors.shape("labelWeight", w, "gradNorms", shape,
                        "labelWeight must have gradNorms's shape or [N] (GHM-6.2)");
            }
        }
        if (weightsOut == null) {
            throw InputErrors.shape("weightsOut", new int[0], "gradNorms", shape, "weightsOut must not be null (GHM-6.2)");
        }
        OracleInputs.requireShape("weightsOut", weightsOut, "gradNorms", shape);
        double top = edges[edges.length - 1];
        double[] g = OracleInputs.read("gradNorms", gradNorms, 0.0, Double.POSITIVE_INFINITY, "[0, " + top + ")", "D-8");
        for (int i = 0; i < len; i++) {
            if (!(g[i] < top)) {
                throw InputErrors.outOfRange("gradNorms", shape, i, g[i], "[0, " + top + ")", "D-8");
            }
        }
        double[] w = labelWeight == null
                ? OracleInputs.broadcast(null, null, shape, len)
                : OracleInputs.broadcast(OracleInputs.readWeights("labelWeight", labelWeight), labelWeight.shape(), shape, len);
        int[] bin = new int[len];
        long[] counts = new long[config.bins()];
        long valid = 0;
        double weightSum = 0.0;
        for (int i = 0; i < len; i++) {
            weightSum += w[i];
            bin[i] = -1;
            if (w[i] > 0) {
                bin[i] = math.bin(g[i], edges);
                counts[bin[i]]++;
                valid++;
            }
        }
        double tot = config.totRule() == TotRule.VALID_COUNT ? Math.max(valid, 1) : Math.max(weightSum, 1.0);
        double[] value = density.apply(counts, tot, update == StateUpdate.COMMIT, stats);
        boolean seed = config.mode() == DensityMode.SEED;
        for (int i = 0; i < len; i++) {
            double out;
            if (seed) {
                out = bin[i] >= 0 ? 1.0 / value[bin[i]] : 1.0;
            } else {
                out = bin[i] >= 0 ? value[bin[i]] : 0.0;
            }
            weightsOut.setDouble(i, out);
        }
    }

    @Override
    public DensityState snapshot() {
        return density.snapshot();
    }

    @Override
    public void restore(DensityState state) {
        density.restore(state);
    }

    @Override
    public void reset() {
        density.reset();
    }

    @Override
    public void synchronizer(HistogramSynchronizer synchronizer) {
        density.synchronizer(synchronizer);
    }
}
