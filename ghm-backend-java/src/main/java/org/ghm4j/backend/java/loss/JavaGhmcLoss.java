package org.ghm4j.backend.java.loss;

import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * GHM-C with sigmoid cross-entropy (GHM-2). From logits x: p = sigmoid(x), g = |p - t|,
 * l = max(x, 0) - x t + log(1 + exp(-|x|)), raw derivative p - t. From probabilities p (GHM-2.7):
 * g = |p - t|, l = -(t log pc + (1 - t) log(1 - pc)) with pc = clip(p, 1e-7, 1 - 1e-7), raw
 * derivative dl/dp (0 where p was clipped). tot = #valid.
 */
final class JavaGhmcLoss extends AbstractJavaLoss {
    private static final Call.RangeRules LOGIT_RULES = new Call.RangeRules("pred", "(-inf, inf)", "GHM-6.1",
            "[0, 1]", "GHM-C targets lie in [0, 1], GHM-6.3");
    private static final Call.RangeRules PROB_RULES = new Call.RangeRules("pred", "[0, 1]",
            "probabilities lie in [0, 1], GHM-6.3", "[0, 1]", "GHM-C targets lie in [0, 1], GHM-6.3");
    private static final double EPS = 1e-7;

    private final GhmcConfig config;
    private final boolean probabilities;

    JavaGhmcLoss(GhmcConfig config, Workers workers) {
        super(config, workers);
        this.config = config;
        this.probabilities = config.input() == InputKind.PROBABILITIES;
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    Call.RangeRules rules() {
        return probabilities ? PROB_RULES : LOGIT_RULES;
    }

    @Override
    double tot(Call c, long validCount) {
        return validCount;
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
        final float[] rw = c.rowWeight;
        final int rwo = c.rowWeightOff;
        final float[] raw = c.raw;
        final int ro = c.rawOff;
        final float[] el = c.elementLoss;
        final short[] slot = c.slot;
        final int cols = c.cols;
        final boolean prob = probabilities;
        final int r1 = c.rowEnd(chunk);
        for (int r = c.rowStart(chunk); r < r1; r++) {
            float wr = 1f;
            if (rw != null) {
                wr = rw[rwo + r];
                if (!(wr >= 0f && wr <= Float.MAX_VALUE)) {
                    c.fail(chunk, Call.ARG_ROW_WEIGHT, r);
                    return;
                }
            }
            for (int i = r * cols, end = i + cols; i < end; i++) {
                float xi = x[xo + i];
                float ti = t[to + i];
                float wi = w == null ? wr : w[wo + i];
                if (prob ? !(xi >= 0f && xi <= 1f) : !(Math.abs(xi) <= Float.MAX_VALUE)) {
                    c.fail(chunk, Call.ARG_PRED, i);
                    return;
                }
                if (!(ti >= 0f && ti <= 1f)) {
                    c.fail(chunk, Call.ARG_TARGET, i);
                    return;
                }
                if (!(wi >= 0f && wi <= Float.MAX_VALUE)) {
                    c.fail(chunk, Call.ARG_WEIGHT, i);
                    return;
                }
                if (wi > 0f) {
                    double p;
                    double l;
                    double d;
                    if (prob) {
                        p = xi;
                        double pc = Math.min(Math.max(p, EPS), 1.0 - EPS);
                        l = -(ti * Math.log(pc) + (1.0 - ti) * Math.log(1.0 - pc));
                        d = pc == p ? (1.0 - ti) / (1.0 - pc) - ti / pc : 0.0;
                    } else {
                        double xd = xi;
                        double e = MathKernels.expNeg(Math.abs(xd));
                        double inv = 1.0 / (1.0 + e);
                        p = xd >= 0 ? inv : e * inv;
                        l = Math.max(xd, 0.0) - xd * ti + MathKernels.log1pUnit(e);
                        d = p - ti;
                    }
                    int s = bins.of(Math.abs(p - ti)) + 1;
                    counts[base + (i & 3) * m1 + s]++;
                    sums[base + (i & 3) * m1 + s] += l;
                    slot[i] = (short) s;
                    if (raw != null) {
                        raw[ro + i] = (float) d;
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
            }
        }
    }
}
