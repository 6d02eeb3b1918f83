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
    /** Below this, log(1 + e) = e - e^2/2 to double precision, and 1 + e would round e away. */
    private static final double PRODUCT_MIN = 0x1p-20;
    private static final double PRODUCT_MAX = 0x1p600;
    private static final double LN2 = Math.log(2.0);

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
    void prepare(Call c) {
        if (!probabilities && c.elementLoss == null) {
            c.useProducts();
        }
    }

    /**
     * Pass 1. From logits the log(1 + e) terms of a bin are summed as the log of their product
     * (one multiplication per element instead of a logarithm): per lane and slot, the product of
     * (1 + e) is kept below 2^600 by splitting off its binary exponent, and turned into a sum of
     * logs once at the end of the chunk. Terms with e < 2^-20, where 1 + e would lose e, are added
     * as e - e^2/2 directly. With {@code Reduction.NONE} each element's loss is computed on its own.
     */
    @Override
    void pass1(Call c, int chunk) {
        final boolean useProducts = !probabilities && c.elementLoss == null;
        if (useProducts) {
            java.util.Arrays.fill(c.products, c.partialBase(chunk), c.partialBase(chunk) + Call.LANES * c.slots, 1.0);
            java.util.Arrays.fill(c.exponents, c.partialBase(chunk), c.partialBase(chunk) + Call.LANES * c.slots, 0);
        }
        pass1Elements(c, chunk, useProducts);
        if (useProducts) {
            final double[] sums = c.lossSums;
            for (int idx = c.partialBase(chunk), end = idx + Call.LANES * c.slots; idx < end; idx++) {
                if (c.products[idx] != 1.0 || c.exponents[idx] != 0) {
                    sums[idx] += Math.log(c.products[idx]) + c.exponents[idx] * LN2;
                }
            }
        }
    }

    private void pass1Elements(Call c, int chunk, boolean useProducts) {
        final double[] products = c.products;
        final int[] exponents = c.exponents;
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
        final boolean prob = probabilities;
        final int r1 = c.rowEnd(chunk);
        for (int r = c.rowStart(chunk); r < r1; r++) {
            float wr = c.rowWeightOf(chunk, r);
            if (wr < 0f) {
                return;
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
                    int s;
                    int idx;
                    if (prob) {
                        p = xi;
                        double pc = Math.min(Math.max(p, EPS), 1.0 - EPS);
                        l = -(ti * Math.log(pc) + (1.0 - ti) * Math.log(1.0 - pc));
                        d = pc == p ? (1.0 - ti) / (1.0 - pc) - ti / pc : 0.0;
                        s = bins.of(Math.abs(p - ti)) + 1;
                        idx = base + (i & 3) * m1 + s;
                        sums[idx] += l;
                    } else {
                        double xd = xi;
                        double e = MathKernels.expNeg(Math.abs(xd));
                        double onePlusE = 1.0 + e;
                        double inv = 1.0 / onePlusE;
                        p = xd >= 0 ? inv : e * inv;
                        d = p - ti;
                        s = bins.of(Math.abs(d)) + 1;
                        idx = base + (i & 3) * m1 + s;
                        double linear = Math.max(xd, 0.0) - xd * ti;
                        if (!useProducts) {
                            l = linear + MathKernels.log1pUnit(e);
                            sums[idx] += l;
                        } else if (e < PRODUCT_MIN) {
                            l = linear + e * (1.0 - 0.5 * e);
                            sums[idx] += l;
                        } else {
                            l = 0.0;
                            sums[idx] += linear;
                            double q = products[idx] * onePlusE;
                            if (q > PRODUCT_MAX) {
                                int k = Math.getExponent(q);
                                q = Math.scalb(q, -k);
                                exponents[idx] += k;
                            }
                            products[idx] = q;
                        }
                    }
                    counts[idx]++;
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
