package org.ghm4j.testkit.oracle;

import org.ghm4j.api.config.DensityMode;

/**
 * The formulas of docs/spec.md that the oracle builds on, written as plainly as possible: bin
 * edges and binning by linear scan (GHM-1.2), the EMA update (GHM-1.5, GHM-1.7) and the
 * harmonizing weight (GHM-1.6). Everything is float64 except the edges, which are float32 values
 * widened to float64 (D-3).
 *
 * <p>The class is not final so that the testkit's own tests can build deliberately wrong oracles
 * (one overridden method each) and prove that the verification catches the mistake. Backends never
 * use it.
 */
public class OracleMath {

    /**
     * The M + 1 float32 edges of GHM-1.2: e_k = float32(k) / float32(M) for k < M, and
     * {@code top} for k = M.
     */
    public float[] edges(int bins, float top) {
        float[] e = new float[bins + 1];
        for (int k = 0; k < bins; k++) {
            e[k] = (float) k / (float) bins;
        }
        e[bins] = top;
        return e;
    }

    /**
     * The bin k with e_k <= g < e_{k+1}, found by scanning every bin; -1 when there is none
     * (g negative, NaN, or at or above the last edge). The comparison is in float64 (D-3).
     *
     * @param edges the M + 1 float32 edges, ascending. Not modified.
     */
    public int bin(double g, float[] edges) {
        for (int k = 0; k + 1 < edges.length; k++) {
            if ((double) edges[k] <= g && g < (double) edges[k + 1]) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The state after one call. HARMONIZED (GHM-1.5): S_k <- a S_k + (1 - a) R_k for the bins
     * with R_k > 0, other bins unchanged; with a = 0 there is no state and S_k = R_k. SEED
     * (GHM-1.7): every bin, S_k <- a S_k + (1 - a) R_k.
     *
     * @param s      S before the call, length M. Not modified.
     * @param counts R, length M. Not modified.
     * @return the proposed S' (a new array); for HARMONIZED with a = 0 it is R itself (as double)
     */
    public double[] nextState(double[] s, long[] counts, double momentum, DensityMode mode) {
        double[] next = new double[s.length];
        for (int k = 0; k < s.length; k++) {
            if (mode == DensityMode.SEED) {
                next[k] = momentum * s[k] + (1.0 - momentum) * counts[k];
            } else if (momentum == 0.0) {
                next[k] = counts[k];
            } else if (counts[k] > 0) {
                next[k] = momentum * s[k] + (1.0 - momentum) * counts[k];
            } else {
                next[k] = s[k];
            }
        }
        return next;
    }

    /** GHM-1.6: beta = tot / S'_k / n for an element of a non-empty bin k. */
    public double harmonizedWeight(double tot, double density, int nonEmptyBins) {
        return tot / density / nonEmptyBins;
    }

    /** 1 / (1 + exp(-x)), exact enough for |x| up to 1e4 without NaN. */
    public double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    /** GHM-2.4: max(x, 0) - x t + log(1 + exp(-|x|)). */
    public double bceWithLogits(double x, double t) {
        return Math.max(x, 0.0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
