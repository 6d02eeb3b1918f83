package org.ghm4j.backend.java.loss;

import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * GHM-R with Authentic Smooth L1 (GHM-4): d = x - t, l = sqrt(d^2 + mu^2) - mu,
 * g = |d| / sqrt(d^2 + mu^2), raw derivative d / sqrt(d^2 + mu^2); tot = sum of the label weights.
 */
final class JavaGhmrLoss extends AbstractJavaLoss {
    private static final Call.RangeRules RULES = new Call.RangeRules("pred", "(-inf, inf)", "GHM-6.1",
            "(-inf, inf)", "GHM-6.1");

    private final GhmrConfig config;
    private final double mu2;
    private final double mu;

    JavaGhmrLoss(GhmrConfig config, Workers workers) {
        super(config, workers);
        this.config = config;
        this.mu = config.mu();
        this.mu2 = config.mu() * config.mu();
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    Call.RangeRules rules() {
        return RULES;
    }

    @Override
    double tot(Call c, long validCount) {
        double sum = 0;
        for (int ch = 0; ch < c.chunks; ch++) {
            sum += c.totParts[ch];
        }
        return sum;
    }

    @Override
    void pass1(Call c, int chunk) {
        final int m1 = c.slots;
        final int base = c.partialBase(chunk);
        final long[] counts = c.counts;
        final double[] sums = c.lossSums;
        final float[] x = c.pred;
        final int xo = c.predOff;
        final float[] t = c.target;
        final int to = c.targetOff;
        final float[] w = c.weight;
        final int wo = c.weightOff;
        final float[] raw = c.raw;
        final int ro = c.rawOff;
        final float[] el = c.elementLoss;
        final short[] slot = c.slot;
        final int cols = c.cols;
        // one flat loop over the chunk's elements (rows of 4 deltas are too short for a nested loop),
        // stepping the row weight at each row boundary
        final int r0 = c.rowStart(chunk);
        final int lo = r0 * cols;
        final int hi = c.rowEnd(chunk) * cols;
        int r = r0;
        int col = 0;
        float wr = lo < hi ? c.rowWeightOf(chunk, r) : 1f;
        if (wr < 0f) {
            return;
        }
        double weightSum = 0;
        for (int i = lo; i < hi; i++) {
            float xi = x[xo + i];
            float ti = t[to + i];
            float wi = w == null ? wr : w[wo + i];
            if (!(Math.abs(xi) <= Float.MAX_VALUE)) {
                c.fail(chunk, Call.ARG_PRED, i);
                return;
            }
            if (!(Math.abs(ti) <= Float.MAX_VALUE)) {
                c.fail(chunk, Call.ARG_TARGET, i);
                return;
            }
            if (!(wi >= 0f && wi <= Float.MAX_VALUE)) {
                c.fail(chunk, Call.ARG_WEIGHT, i);
                return;
            }
            weightSum += wi;
            if (wi > 0f) {
                double d = (double) xi - ti;
                double q = d * d + mu2;
                double inv = 1.0 / Math.sqrt(q);
                double l = q * inv - mu;
                int s = bins.of(Math.abs(d) * inv) + 1;
                counts[base + (i & 3) * m1 + s]++;
                sums[base + (i & 3) * m1 + s] += l;
                slot[i] = (short) s;
                if (raw != null) {
                    raw[ro + i] = (float) (d * inv);
                }
                if (el != null) {
                    el[i] = (float) l;
                }
            } else {
                slot[i] = 0;
                if (raw != null) {
                    raw[ro + i] = 0f;
                }
                if (el != null) {
                    el[i] = 0f;
                }
            }
            if (++col == cols && i + 1 < hi) {
                col = 0;
                r++;
                wr = c.rowWeightOf(chunk, r);
                if (wr < 0f) {
                    return;
                }
            }
        }
        c.totParts[chunk] = weightSum;
    }
}
