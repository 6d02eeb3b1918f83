package org.ghm4j.backend.nd4j;

import java.util.concurrent.ForkJoinPool;

import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;

/**
 * GHM-C (GHM-2, logits or probabilities) and GHM-R (GHM-4) on native memory: the losses whose
 * elements are independent.
 *
 * <p>One call, n elements, M bins:
 * <ol>
 *   <li>pass 1 over fixed chunks of 64k elements: check every value (GHM-6), compute g and the
 *       element loss l in float64 (D-3), bin g by the float32 edges (GHM-1.2), count R_k and sum
 *       L_k = sum of l over bin k per chunk; write dl/dpred into the gradient buffer and the bin
 *       index into scratch;</li>
 *   <li>combine the chunks in chunk order, throw the first bad input (state untouched, GHM-5.3),
 *       then {@code EmaDensity.apply} gives beta_k (GHM-1.5/1.6);</li>
 *   <li>loss = lossWeight * sum_k beta_k L_k / tot (MEAN; SUM and NONE without / tot, GHM-1.9);
 *       pass 2 scales every gradient element by lossWeight * beta_bin / tot (0 for invalid
 *       elements, GHM-1.3).</li>
 * </ol>
 * GHM-C: p = sigmoid(x), g = |p - t|, l = max(x, 0) - x t + log(1 + exp(-|x|)), dl/dx = p - t,
 * tot = max(#valid, 1). With probabilities: p given, g = |p - t|, pc = clip(p, 1e-7, 1 - 1e-7),
 * l = -(t log pc + (1 - t) log(1 - pc)), dl/dp = (pc - t) / (pc (1 - pc)) where p was not clipped,
 * 0 where it was (as D-4 for the categorical loss). GHM-R: d = x - t, s = sqrt(d^2 + mu^2),
 * l = s - mu, g = |d| / s, dl/dx = d / s, tot = max(sum of the label weights, 1).
 */
final class Nd4jElementwiseLoss extends AbstractNd4jLoss {
    private static final double PROB_EPS = 1e-7;
    /**
     * GHM-C sums log(1 + e_i) per bin as log(prod (1 + e_i)), flushed to the sum before the product
     * (each factor in [1, 2]) can overflow: a multiplication instead of a log per element. The
     * product's relative rounding error grows by 2^-53 per factor, about 1e-13 at a flush.
     */
    private static final double PRODUCT_FLUSH = 0x1p960;
    /** Below this, log(1 + e) = e (1 - e/2) to double precision is added directly instead of multiplied in. */
    private static final double PRODUCT_MIN = 0x1p-26;

    private enum Kind { LOGITS, PROBABILITIES, ASL1 }

    private final LossConfig config;
    private final Kind kind;
    private final double mu;
    private final double lossWeight;
    private final Reduction reduction;

    Nd4jElementwiseLoss(ForkJoinPool pool, GhmcConfig config) {
        super(pool, config);
        this.config = config;
        this.kind = config.input() == InputKind.PROBABILITIES ? Kind.PROBABILITIES : Kind.LOGITS;
        this.mu = 0;
        this.lossWeight = config.lossWeight();
        this.reduction = config.reduction();
    }

    Nd4jElementwiseLoss(ForkJoinPool pool, GhmrConfig config) {
        super(pool, config);
        this.config = config;
        this.kind = Kind.ASL1;
        this.mu = config.mu();
        this.lossWeight = config.lossWeight();
        this.reduction = config.reduction();
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    double compute(LossInput input, LossOutput output, boolean commit, Scratch s) {
        Tensor predT = input.pred();
        int[] shape = predT.shape();
        int n = predT.length();
        DType dtype = predT.dtype();
        int chunks = Chunks.count(n, Chunks.SIZE);
        s.prepare(n, chunks, bins);

        Vec pred = s.read(predT, Scratch.PRED);
        Vec target = s.read(input.target(), Scratch.TARGET);
        Tensor weightT = input.labelWeight();
        Vec weight = weightT == null ? null : s.read(weightT, Scratch.WEIGHT);
        int rows = shape.length == 0 ? 1 : shape[0];
        int perRow = input.rowWeights() && rows > 0 ? n / rows : 0;

        Tensor gradT = output.wantsGradient() ? output.gradientBuffer(shape, sh -> newBuffer(dtype, sh)) : null;
        Tensor weightsT = output.wantsWeights() ? output.weightsBuffer(shape, sh -> newBuffer(dtype, sh)) : null;
        Tensor lossT = null;
        if (reduction == Reduction.NONE) {
            lossT = output.elementLossBuffer(shape, sh -> newBuffer(dtype, sh));
        } else {
            output.clearElementLoss();
        }
        Vec grad = gradT == null ? null : s.write(gradT, Scratch.OUT_GRAD);
        Vec weightsOut = weightsT == null ? null : s.write(weightsT, Scratch.OUT_WEIGHTS);
        Vec elementLoss = lossT == null ? null : s.write(lossT, Scratch.OUT_LOSS);

        Chunks.run(pool, chunks, c -> {
            int lo = c * Chunks.SIZE;
            int hi = Math.min(n, lo + Chunks.SIZE);
            Elements e = new Elements(s, c, lo, hi, pred, target, weight, perRow, grad, elementLoss);
            switch (kind) {
                case LOGITS -> logits(e);
                case PROBABILITIES -> probabilities(e);
                default -> asl1(e);
            }
        });
        Kernels.throwFirstBad(s, chunks, checks(shape, input));

        long[] counts = s.counts;
        double[] lossSums = s.lossSums;
        s.combine(chunks, bins, counts, lossSums);
        long valid = 0;
        for (long r : counts) {
            valid += r;
        }
        double tot;
        if (kind == Kind.ASL1) {
            double weightSum = 0.0;
            for (int c = 0; c < chunks; c++) {
                weightSum += s.chunkExtra[c * 4];
            }
            tot = Math.max(weight == null ? n : weightSum, 1.0);
        } else {
            tot = Math.max((double) valid, 1.0);
        }
        BinStats stats = output.stats();
        double[] beta = s.binValue;
        density.apply(counts, tot, commit, beta, stats);

        double factor = reduction == Reduction.MEAN ? lossWeight / stats.tot() : lossWeight;
        double loss = 0.0;
        for (int k = 0; k < bins; k++) {
            if (beta[k] != 0.0) {
                loss += beta[k] * lossSums[k];
            }
        }
        loss *= factor;
        double[] scale = s.binScale;
        for (int k = 0; k < bins; k++) {
            scale[k] = beta[k] * factor;
        }
        if (grad != null || weightsOut != null || elementLoss != null) {
            double lw = lossWeight;
            Chunks.run(pool, chunks, c -> pass2(s, c, n, beta, scale, lw, grad, weightsOut, elementLoss));
        }
        if (gradT != null) {
            s.flush(gradT, Scratch.OUT_GRAD);
        }
        if (weightsT != null) {
            s.flush(weightsT, Scratch.OUT_WEIGHTS);
        }
        if (lossT != null) {
            s.flush(lossT, Scratch.OUT_LOSS);
        }
        return loss;
    }

    private Kernels.Check[] checks(int[] shape, LossInput input) {
        String predRange = kind == Kind.PROBABILITIES ? "[0, 1]" : "(-inf, inf)";
        String predRule = kind == Kind.PROBABILITIES ? "probabilities lie in [0, 1], GHM-6.3" : "GHM-6.1";
        String targetRange = kind == Kind.ASL1 ? "(-inf, inf)" : "[0, 1]";
        String targetRule = kind == Kind.ASL1 ? "GHM-6.1" : "GHM-C targets lie in [0, 1], GHM-6.3";
        int[] wShape = input.labelWeight() == null ? shape : input.labelWeight().shape();
        return new Kernels.Check[] {
            new Kernels.Check("pred", shape, predRange, predRule),
            new Kernels.Check("target", shape, targetRange, targetRule),
            new Kernels.Check("labelWeight", wShape, "[0, +inf)", "label weights are >= 0, D-7")
        };
    }

    /** The arguments of one chunk's pass 1. */
    private record Elements(Scratch s, int c, int lo, int hi, Vec pred, Vec target, Vec weight, int perRow,
                            Vec grad, Vec elementLoss) {
    }

    /**
     * The label weight of element i: element weights are read and checked per element; a row weight
     * is read and checked once, at the first element of its row in this chunk ({@code state[0]}
     * holds the next element where the row changes, {@code state[1]} the current weight). Returns
     * NaN after recording a bad weight (D-7).
     */
    private static double weightAt(Elements e, int i, double[] state) {
        Vec w = e.weight;
        if (w == null) {
            return 1.0;
        }
        if (e.perRow == 0) {
            double v = w.get(i);
            if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
                Kernels.bad(e.s, e.c, WEIGHT, i, v);
                return Double.NaN;
            }
            return v;
        }
        if (i < state[0]) {
            return state[1];
        }
        int row = i / e.perRow;
        double v = w.get(row);
        if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
            Kernels.bad(e.s, e.c, WEIGHT, row, v);
            return Double.NaN;
        }
        state[0] = (double) (row + 1) * e.perRow;
        state[1] = v;
        return v;
    }

    private void logits(Elements e) {
        Scratch s = e.s;
        int c = e.c;
        Vec pred = e.pred;
        Vec target = e.target;
        Vec grad = e.grad;
        Vec elementLoss = e.elementLoss;
        boolean weighted = e.weight != null;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        double[] products = s.chunkProduct;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double[] edge = edges;
        double[] rowState = {e.lo, 1.0};
        for (int i = e.lo; i < e.hi; i++) {
            double x = pred.get(i);
            if (!(Math.abs(x) <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, PRED, i, x);
                return;
            }
            double t = target.get(i);
            if (!(t >= 0.0 && t <= 1.0)) {
                Kernels.bad(s, c, TARGET, i, t);
                return;
            }
            double w = weighted ? weightAt(e, i, rowState) : 1.0;
            if (w != w) {
                return;
            }
            if (!(w > 0.0)) {
                binOf[i] = -1;
                continue;
            }
            double ex = FastMath.expNeg(Math.abs(x));
            double onePlus = 1.0 + ex;
            double inv = 1.0 / onePlus;
            double p = x >= 0.0 ? inv : ex * inv;
            double d = p - t;
            if (grad != null) {
                grad.set(i, d);
            }
            int k = Kernels.bin(Math.abs(d), edge, m);
            binOf[i] = (short) k;
            int slot = base + (i & (Scratch.LANES - 1)) * m + k;
            counts[slot]++;
            double linear = Math.max(x, 0.0) - x * t;
            if (elementLoss != null) {
                double l = linear + FastMath.log1pUnit(ex);
                sums[slot] += l;
                elementLoss.set(i, l);
            } else if (ex >= PRODUCT_MIN) {
                // sum of log(1 + e) over the bin as the log of a product: one log per ~1000 elements
                sums[slot] += linear;
                double prod = products[slot] * onePlus;
                if (prod > PRODUCT_FLUSH) {
                    sums[slot] += Math.log(prod);
                    prod = 1.0;
                }
                products[slot] = prod;
            } else {
                // 1 + e would lose e's digits; log(1 + e) = e (1 - e/2) to double precision here
                sums[slot] += linear + ex * (1.0 - 0.5 * ex);
            }
        }
        for (int slot = base, end = base + Scratch.LANES * m; slot < end; slot++) {
            if (products[slot] != 1.0) {
                sums[slot] += Math.log(products[slot]);
            }
        }
    }

    private void probabilities(Elements e) {
        Scratch s = e.s;
        int c = e.c;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double[] rowState = {e.lo, 1.0};
        for (int i = e.lo; i < e.hi; i++) {
            double p = e.pred.get(i);
            if (!(p >= 0.0 && p <= 1.0)) {
                Kernels.bad(s, c, PRED, i, p);
                return;
            }
            double t = e.target.get(i);
            if (!(t >= 0.0 && t <= 1.0)) {
                Kernels.bad(s, c, TARGET, i, t);
                return;
            }
            double w = weightAt(e, i, rowState);
            if (w != w) {
                return;
            }
            if (!(w > 0.0)) {
                binOf[i] = -1;
                continue;
            }
            boolean clipped = p < PROB_EPS || p > 1.0 - PROB_EPS;
            double pc = Math.min(Math.max(p, PROB_EPS), 1.0 - PROB_EPS);
            if (e.grad != null) {
                e.grad.set(i, clipped ? 0.0 : (pc - t) / (pc * (1.0 - pc)));
            }
            int k = Kernels.bin(Math.abs(p - t), edges, m);
            binOf[i] = (short) k;
            int slot = base + (i & (Scratch.LANES - 1)) * m + k;
            counts[slot]++;
            double l = -(t * Math.log(pc) + (1.0 - t) * Math.log(1.0 - pc));
            sums[slot] += l;
            if (e.elementLoss != null) {
                e.elementLoss.set(i, l);
            }
        }
    }

    private void asl1(Elements e) {
        Scratch s = e.s;
        int c = e.c;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double mu2 = mu * mu;
        double wsum = 0.0;
        double[] rowState = {e.lo, 1.0};
        for (int i = e.lo; i < e.hi; i++) {
            double x = e.pred.get(i);
            if (!(Math.abs(x) <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, PRED, i, x);
                return;
            }
            double t = e.target.get(i);
            if (!(Math.abs(t) <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, TARGET, i, t);
                return;
            }
            double w = weightAt(e, i, rowState);
            if (w != w) {
                return;
            }
            wsum += w;
            if (!(w > 0.0)) {
                binOf[i] = -1;
                continue;
            }
            double d = x - t;
            double r = Math.sqrt(d * d + mu2);
            if (e.grad != null) {
                e.grad.set(i, d / r);
            }
            int k = Kernels.bin(Math.abs(d) / r, edges, m);
            binOf[i] = (short) k;
            int slot = base + (i & (Scratch.LANES - 1)) * m + k;
            counts[slot]++;
            double l = r - mu;
            sums[slot] += l;
            if (e.elementLoss != null) {
                e.elementLoss.set(i, l);
            }
        }
        s.chunkExtra[c * 4] = wsum;
    }

    private static void pass2(Scratch s, int c, int n, double[] beta, double[] scale, double lossWeight, Vec grad,
                              Vec weightsOut, Vec elementLoss) {
        int lo = c * Chunks.SIZE;
        int hi = Math.min(n, lo + Chunks.SIZE);
        short[] binOf = s.bins;
        for (int i = lo; i < hi; i++) {
            int k = binOf[i];
            if (k < 0) {
                if (grad != null) {
                    grad.set(i, 0.0);
                }
                if (weightsOut != null) {
                    weightsOut.set(i, 0.0);
                }
                if (elementLoss != null) {
                    elementLoss.set(i, 0.0);
                }
                continue;
            }
            if (grad != null) {
                grad.set(i, grad.get(i) * scale[k]);
            }
            if (weightsOut != null) {
                weightsOut.set(i, beta[k]);
            }
            if (elementLoss != null) {
                elementLoss.set(i, elementLoss.get(i) * beta[k] * lossWeight);
            }
        }
    }

    @Override
    public String toString() {
        return "Nd4j" + (kind == Kind.ASL1 ? "Ghmr" : "Ghmc") + "Loss[" + config + "]";
    }
}
