package org.ghm4j.backend.java.loss;

import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * Categorical (softmax) GHM-C (GHM-3) over rows of C classes, with a row mask v [N].
 * <ul>
 *   <li>SEED (GHM-3.3): pc = clip(p, eps, 1 - eps), g = |y - pc|, density D = S_bin for valid rows and
 *       1 for invalid rows, row loss sum_c -y_c log pc_c / D_c, MEAN over all N rows.</li>
 *   <li>HARMONIZED (GHM-3.4): g = |y - p|, beta per GHM-1.6 with tot = #valid rows * C, element loss
 *       -y_c log p_c, invalid rows 0.</li>
 * </ul>
 * From logits the gradient goes through the softmax: with q_c = -y_c (0 where the seed clipped p_c)
 * and f_c the slot factor, dL/dz_k = f_k q_k - p_k sum_c f_c q_c. From probabilities it is
 * dL/dp_c = -f_c y_c / pc_c (0 where clipped).
 */
final class JavaCategoricalLoss extends AbstractJavaLoss {
    private static final Call.RangeRules LOGIT_RULES = new Call.RangeRules("pred", "(-inf, inf)", "GHM-6.1",
            "[0, 1]", "categorical targets lie in [0, 1], D-9");
    private static final Call.RangeRules PROB_RULES = new Call.RangeRules("pred", "[0, 1]",
            "probabilities lie in [0, 1], GHM-6.3", "[0, 1]", "categorical targets lie in [0, 1], D-9");

    private final CategoricalConfig config;
    private final boolean seed;
    private final boolean logits;
    private final double eps;

    JavaCategoricalLoss(CategoricalConfig config, Workers workers) {
        super(config, workers);
        this.config = config;
        this.seed = config.mode() == CategoricalMode.SEED;
        this.logits = config.input() == InputKind.LOGITS;
        this.eps = config.epsilon();
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    void checkShapes(LossInput input) {
        if (input.pred().rank() != 2) {
            throw new org.ghm4j.api.error.ShapeMismatchException("pred has shape "
                    + java.util.Arrays.toString(input.pred().shape())
                    + "; categorical GHM-C needs rows of class scores [N, C] (GHM-3.1)");
        }
        if (input.labelWeight() != null && !input.rowWeights()) {
            throw InputErrors.shape("labelWeight", input.labelWeight().shape(), "pred", input.pred().shape(),
                    "categorical GHM-C takes a row mask of shape [" + input.pred().dim(0) + "] (GHM-3.1, D-6)");
        }
    }

    @Override
    Call.RangeRules rules() {
        return logits ? LOGIT_RULES : PROB_RULES;
    }

    @Override
    boolean rowwise() {
        return logits;
    }

    @Override
    double tot(Call c, long validCount) {
        return validCount;
    }

    @Override
    double meanNorm(Call c, double syncedTot) {
        return seed ? Math.max(c.rows, 1) : syncedTot;
    }

    @Override
    int[] elementLossShape(int[] predShape) {
        return new int[] {predShape[0]};
    }

    @Override
    void prepare(Call c) {
        c.rowBuffer = c.scratch.doubles3(c.chunks * Math.max(c.cols, 1));
    }

    @Override
    void pass1(Call c, int chunk) {
        final int m1 = c.slots;
        final int base = c.partialBase(chunk);
        final long[] counts = c.counts;
        final double[] sums = c.lossSums;
        final float[] z = c.pred;
        final int zo = c.predOff;
        final float[] y = c.target;
        final int yo = c.targetOff;
        final float[] raw = c.raw;
        final int ro = c.rawOff;
        final float[] prob = c.prob;
        final float[] el = c.elementLoss;
        final short[] slot = c.slot;
        final int cols = c.cols;
        final double[] row = c.rowBuffer;
        final int rowBase = chunk * cols;
        final int r1 = c.rowEnd(chunk);
        for (int r = c.rowStart(chunk); r < r1; r++) {
            float wr = c.rowWeightOf(chunk, r);
            if (wr < 0f) {
                return;
            }
            final int i0 = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < cols; k++) {
                float zk = z[zo + i0 + k];
                if (logits ? !(Math.abs(zk) <= Float.MAX_VALUE) : !(zk >= 0f && zk <= 1f)) {
                    c.fail(chunk, Call.ARG_PRED, i0 + k);
                    return;
                }
                float yk = y[yo + i0 + k];
                if (!(yk >= 0f && yk <= 1f)) {
                    c.fail(chunk, Call.ARG_TARGET, i0 + k);
                    return;
                }
                max = Math.max(max, zk);
            }
            final boolean valid = wr > 0f;
            if (!valid && !seed) {
                for (int k = 0; k < cols; k++) {
                    int i = i0 + k;
                    slot[i] = 0;
                    if (raw != null) {
                        raw[ro + i] = 0f;
                    }
                    if (prob != null) {
                        prob[i] = 0f;
                    }
                    if (el != null) {
                        el[i] = 0f;
                    }
                }
                continue;
            }
            double logSum = 0;
            if (logits) {
                double sum = 0;
                for (int k = 0; k < cols; k++) {
                    double e = MathKernels.expNeg(max - z[zo + i0 + k]);
                    row[rowBase + k] = e;
                    sum += e;
                }
                logSum = Math.log(sum);
                for (int k = 0; k < cols; k++) {
                    row[rowBase + k] /= sum;
                }
            } else {
                for (int k = 0; k < cols; k++) {
                    row[rowBase + k] = z[zo + i0 + k];
                }
            }
            for (int k = 0; k < cols; k++) {
                int i = i0 + k;
                double p = row[rowBase + k];
                double yk = y[yo + i];
                double pc = Math.min(Math.max(p, eps), 1.0 - eps);
                boolean inside = pc == p;
                double l;
                if (yk == 0.0) {
                    l = 0.0;
                } else if (logits && !seed) {
                    l = -yk * (z[zo + i] - max - logSum);
                } else {
                    l = -yk * Math.log(pc);
                }
                int s = valid ? bins.of(Math.abs(yk - (seed ? pc : p))) + 1 : 0;
                counts[base + (i & 3) * m1 + s] += valid ? 1 : 0;
                sums[base + (i & 3) * m1 + s] += l;
                slot[i] = (short) s;
                if (raw != null) {
                    if (logits) {
                        raw[ro + i] = seed && !inside ? 0f : (float) -yk;
                        prob[i] = (float) p;
                    } else {
                        raw[ro + i] = inside ? (float) (-yk / pc) : 0f;
                    }
                }
                if (el != null) {
                    el[i] = (float) l;
                }
            }
        }
    }

    @Override
    void pass2Rows(Call c, int chunk, float[] factor) {
        final float[] q = c.raw;
        final int qo = c.rawOff;
        final float[] p = c.prob;
        final short[] slot = c.slot;
        final int cols = c.cols;
        final int r1 = c.rowEnd(chunk);
        for (int r = c.rowStart(chunk); r < r1; r++) {
            int i0 = r * cols;
            double s = 0;
            for (int i = i0; i < i0 + cols; i++) {
                s += (double) factor[slot[i]] * q[qo + i];
            }
            for (int i = i0; i < i0 + cols; i++) {
                q[qo + i] = (float) ((double) factor[slot[i]] * q[qo + i] - p[i] * s);
            }
        }
    }
}
