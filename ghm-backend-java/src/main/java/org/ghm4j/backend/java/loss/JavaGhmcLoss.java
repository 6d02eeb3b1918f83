package org.ghm4j.backend.java.loss;

import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.FloatVectorKernels;
import org.ghm4j.backend.java.kernel.LogitBins;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.VectorSupport;
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
    /** Well above the 1e-13 error of the scalar exp, far below the spacing of g between float32 logits. */
    private static final double EDGE_RECHECK = 1e-12;

    private final GhmcConfig config;
    private final boolean probabilities;
    private final LogitBins logitBins;
    /**
     * thr_0[1 .. M-1] for the vector kernels' zero-target groups, when they run (vector kernels on,
     * logits, M <= {@link #MAX_VECTOR_BINS}); else null.
     */
    private final float[] zeroTargetThresholds;
    /** Above this many bins the comparisons per element of the vector kernels cost more than the table. */
    static final int MAX_VECTOR_BINS = 64;

    JavaGhmcLoss(GhmcConfig config, Workers workers) {
        super(config, workers);
        this.config = config;
        this.probabilities = config.input() == InputKind.PROBABILITIES;
        this.logitBins = probabilities ? null : new LogitBins(config.estimatorConfig().edges());
        this.zeroTargetThresholds = VectorSupport.ENABLED && logitBins != null && config.bins() <= MAX_VECTOR_BINS
                ? logitBins.zeroTargetThresholds() : null;
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

    /**
     * From logits with a reduced loss the fused scheme runs: pass 1 ({@link #pass1Fused}) only
     * validates and counts, binning hard-target elements with {@link LogitBins} (no exp needed);
     * pass 2 ({@link #pass2Fused}) computes loss and gradient with the factors known. Probabilities
     * and {@code Reduction.NONE} go element by element through {@link #element} and the generic pass 2.
     */
    @Override
    boolean fused(Call c) {
        return !probabilities && c.elementLoss == null;
    }

    /** With the vector kernels, the fused scheme's per-block record {@link Call#blockReach}. */
    @Override
    void prepare(Call c) {
        if (zeroTargetThresholds != null && fused(c)) {
            c.blockReach = c.scratch.ints2(c.length / MathKernels.BLOCK + c.chunks + 1);
        }
    }

    /** Pass 1 element by element ({@link #element}): probabilities, or {@code Reduction.NONE}. */
    @Override
    void pass1(Call c, int chunk) {
        final float[] w = c.weight;
        final int wo = c.weightOff;
        final int cols = c.cols;
        final int base = c.partialBase(chunk);
        for (int r = c.rowStart(chunk), r1 = c.rowEnd(chunk); r < r1; r++) {
            float wr = c.rowWeightOf(chunk, r);
            if (wr < 0f) {
                return;
            }
            for (int i = r * cols, end = i + cols; i < end; i++) {
                if (!element(c, chunk, base, i, w == null ? wr : w[wo + i])) {
                    return;
                }
            }
        }
    }

    /**
     * Fused pass 1: validation, slots and bin counts only. With the vector kernels, in blocks of
     * {@link MathKernels#BLOCK} elements: {@link FloatVectorKernels#logitCounts} counts the groups whose
     * targets are all 0 without storing slots ({@link #pass2Fused} finds their bins again), and
     * {@link #binElement} takes each group it stops at (and the tail) element by element; else row by
     * row with {@link #binElement}.
     */
    @Override
    void pass1Fused(Call c, int chunk) {
        if (zeroTargetThresholds != null) {
            pass1Blocks(c, chunk);
            return;
        }
        final float[] w = c.weight;
        final int wo = c.weightOff;
        final int cols = c.cols;
        final int base = c.partialBase(chunk);
        final int end = c.rowEnd(chunk) * cols;
        // one run per row, or one for the chunk when the weights are per element
        int r = c.rowStart(chunk);
        int i = r * cols;
        while (i < end) {
            int runEnd = w == null ? Math.min(end, (r + 1) * cols) : end;
            float wr = c.rowWeightOf(chunk, r++);
            if (wr < 0f) {
                return;
            }
            if (wr == 0f) {
                // a masked row: validated out of the hot loop
                for (; i < runEnd; i++) {
                    if (slotOf(c, chunk, i, 0f) < 0) {
                        return;
                    }
                    c.slot[i] = 0;
                }
                continue;
            }
            for (; i < runEnd; i++) {
                if (!binElement(c, chunk, base, i, w == null ? wr : w[wo + i])) {
                    return;
                }
            }
        }
    }

    /** Fused pass 1 with the vector kernels, in blocks (see {@link #pass1Fused}). */
    private void pass1Blocks(Call c, int chunk) {
        final int base = c.partialBase(chunk);
        final int lanes = FloatVectorKernels.lanes();
        final float[] wb = MathKernels.blockFloats()[0];
        final int hi = c.rowEnd(chunk) * c.cols;
        // reported only if no element before its row is bad
        final int badRow = c.firstBadRowWeight(chunk);
        final int limit = badRow * c.cols;
        for (int b0 = c.rowStart(chunk) * c.cols; b0 < hi; b0 += MathKernels.BLOCK) {
            final int n = Math.min(hi, b0 + MathKernels.BLOCK) - b0;
            final float[] w = c.weight != null ? c.weight : c.weightBlock(b0, n, wb);
            final int wo = c.weight != null ? c.weightOff + b0 : 0;
            final int valid = Math.max(0, Math.min(n, limit - b0));
            final int block = Call.blockIndex(chunk, b0);
            c.blockReach[block] = 0;
            for (int j = 0; j < valid; ) {
                j += FloatVectorKernels.logitCounts(c.pred, c.predOff + b0 + j, c.target, c.targetOff + b0 + j, w,
                        wo + j, zeroTargetThresholds, c.counts, base, c.blockReach, block, valid - j);
                // the group the kernel stopped at, or the tail
                for (int stop = Math.min(valid, j + lanes); j < stop; j++) {
                    if (!binElement(c, chunk, base, b0 + j, w[wo + j])) {
                        return;
                    }
                }
            }
            if (valid < n) {
                // every element before the bad row weight is fine: report the row weight
                c.rowWeightOf(chunk, badRow);
                return;
            }
        }
    }

    /**
     * Bins, counts and stores the slot of element i with label weight wi: a hard target by
     * {@link LogitBins} (no exp), anything else by {@link #slotOf}. False after recording a bad value.
     */
    private boolean binElement(Call c, int chunk, int base, int i, float wi) {
        int xb = Float.floatToRawIntBits(c.pred[c.predOff + i]);
        int tb = Float.floatToRawIntBits(c.target[c.targetOff + i]);
        int flip = (tb >>> 23) & 1;
        boolean hard = ((xb & 0x7F800000) != 0x7F800000) & isHardTarget(tb);
        int s;
        if (hard & wi > 0f & wi <= Float.MAX_VALUE) {
            int sBits = xb ^ (flip << 31);
            int k = logitBins.bucket()[sBits >>> 16];
            if (k >= LogitBins.AMBIGUOUS) {
                k = refine(Float.intBitsToFloat(sBits), k - LogitBins.AMBIGUOUS, logitBins.thresholds(),
                        flip * logitBins.stride() + 1);
            }
            s = k + 1;
        } else if (hard & wi == 0f) {
            c.slot[i] = 0;
            return true;
        } else {
            // a soft target or a bad value (recorded)
            s = slotOf(c, chunk, i, wi);
            if (s < 0) {
                return false;
            }
        }
        c.counts[base + (i & 3) * c.slots + s]++;
        c.slot[i] = (short) s;
        return true;
    }

    /**
     * Fused pass 2, in blocks of {@link MathKernels#BLOCK} elements: per element f = factor of the slot
     * pass 1 stored, loss += f l, gradient = f (p - t). With {@link VectorSupport#ENABLED} in float32 by
     * {@link FloatVectorKernels#sigmoidBce}; else l and p - t in float64 by the vectorized
     * {@link MathKernels#sigmoidBceBlock}, then one scalar loop applies f. Slot 0 (weight 0) has factor 0.
     * Pass 1 validated every element, so all values are finite.
     */
    @Override
    void pass2Fused(Call c, int chunk, Factors factors, float[] weightsArr, int weightsOff) {
        final int lo = c.rowStart(chunk) * c.cols;
        final int hi = c.rowEnd(chunk) * c.cols;
        double loss = 0.0;
        if (zeroTargetThresholds != null) {
            final float[][] floats = MathKernels.blockFloats();
            final float[] f = floats[0];
            final float[] wb = floats[1];
            final float[] terms = floats[2];
            for (int b0 = lo; b0 < hi; b0 += MathKernels.BLOCK) {
                final int n = Math.min(hi, b0 + MathKernels.BLOCK) - b0;
                final float[] w = c.weight != null ? c.weight : c.weightBlock(b0, n, wb);
                final int wo = c.weight != null ? c.weightOff + b0 : 0;
                final int xo = c.predOff + b0;
                final int to = c.targetOff + b0;
                final int reached = c.blockReach[Call.blockIndex(chunk, b0)];
                FloatVectorKernels.logitTable(c.pred, xo, c.target, to, w, wo, zeroTargetThresholds, reached, c.slot,
                        b0, factors.f32(), f, 0, n);
                loss += FloatVectorKernels.sigmoidBce(c.pred, xo, c.target, to, f, c.raw, c.rawOff + b0, terms, n);
                if (weightsArr != null) {
                    FloatVectorKernels.logitTable(c.pred, xo, c.target, to, w, wo, zeroTargetThresholds, reached,
                            c.slot, b0, factors.beta(), weightsArr, weightsOff + b0, n);
                }
            }
        } else if (VectorSupport.ENABLED) {
            final float[][] floats = MathKernels.blockFloats();
            for (int b0 = lo; b0 < hi; b0 += MathKernels.BLOCK) {
                final int n = Math.min(hi, b0 + MathKernels.BLOCK) - b0;
                final float[] f = factorBlock(c, b0, n, factors.f32(), floats[0]);
                loss += FloatVectorKernels.sigmoidBce(c.pred, c.predOff + b0, c.target, c.targetOff + b0, f,
                        c.raw, c.rawOff + b0, floats[1], n);
                betaBlock(c, b0, n, factors.beta(), weightsArr, weightsOff);
            }
        } else {
            final double[][] buffers = MathKernels.blockBuffers();
            final double[] a = buffers[0];
            final double[] e = buffers[1];
            final double[] q = buffers[2];
            final double[] lp = buffers[3];
            final double[] tw = buffers[4];
            for (int b0 = lo; b0 < hi; b0 += MathKernels.BLOCK) {
                final int n = Math.min(hi, b0 + MathKernels.BLOCK) - b0;
                MathKernels.widen(c.pred, c.predOff + b0, a, n);
                MathKernels.widen(c.target, c.targetOff + b0, tw, n);
                MathKernels.sigmoidBceBlock(a, tw, lp, e, q, n);
                loss += scaleBlock(c, b0, n, factors.f64(), lp, a);
                betaBlock(c, b0, n, factors.beta(), weightsArr, weightsOff);
            }
        }
        c.lossParts[chunk] = loss;
    }

    /** True for the bits of 0.0f, -0.0f and 1.0f (not -1.0f, which is out of range). */
    private static boolean isHardTarget(int tBits) {
        return (tBits & 0x7FFFFFFF) == 0 | tBits == 0x3F800000;
    }

    /** The bin of an ambiguous bucket: step up past the thresholds at or below s. */
    private static int refine(float s, int k, float[] thr, int off) {
        while (s >= thr[off + k]) {
            k++;
        }
        return k;
    }

    /**
     * Checks element i in the order of GHM-6 (pred, target, weight): -1 after recording the first bad
     * value, 0 for a valid element of weight 0, 1 for a valid element.
     */
    private int check(Call c, int chunk, int i, float wi) {
        float xi = c.pred[c.predOff + i];
        float ti = c.target[c.targetOff + i];
        if (probabilities ? !(xi >= 0f && xi <= 1f) : !(Math.abs(xi) <= Float.MAX_VALUE)) {
            c.fail(chunk, Call.ARG_PRED, i);
            return -1;
        }
        if (!(ti >= 0f && ti <= 1f)) {
            c.fail(chunk, Call.ARG_TARGET, i);
            return -1;
        }
        if (!(wi >= 0f && wi <= Float.MAX_VALUE)) {
            c.fail(chunk, Call.ARG_WEIGHT, i);
            return -1;
        }
        return wi == 0f ? 0 : 1;
    }

    /**
     * The slot of logit element i of a fused call (0 when its weight is 0), or -1 after recording a
     * bad value; the bin from g computed with the scalar kernels.
     */
    private int slotOf(Call c, int chunk, int i, float wi) {
        int valid = check(c, chunk, i, wi);
        if (valid <= 0) {
            return valid;
        }
        float xi = c.pred[c.predOff + i];
        float ti = c.target[c.targetOff + i];
        double xd = xi;
        double e = MathKernels.expNeg(Math.abs(xd));
        double inv = 1.0 / (1.0 + e);
        return logitBin(xi, ti, Math.abs((xd >= 0 ? inv : e * inv) - ti)) + 1;
    }

    /** The bin of logit x with target t from an approximate g, rechecked near an edge (D-3). */
    private int logitBin(float x, float t, double g) {
        int k = bins.of(g);
        return bins.nearEdge(g, k, EDGE_RECHECK) ? bins.of(LogitBins.referenceG(x, t)) : k;
    }

    /**
     * One element by the definitions, in float64: validation (false after recording an error),
     * g, the slot, loss and raw derivative. From logits, g within 1e-12 of an edge is recomputed with
     * {@link LogitBins#referenceG} so that the bin equals the hard-target path's.
     */
    private boolean element(Call c, int chunk, int base, int i, float wi) {
        int valid = check(c, chunk, i, wi);
        if (valid < 0) {
            return false;
        }
        if (valid == 0) {
            c.zeroElement(i);
            return true;
        }
        float xi = c.pred[c.predOff + i];
        float ti = c.target[c.targetOff + i];
        double l;
        double d;
        int k;
        if (probabilities) {
            double p = xi;
            double pc = Math.min(Math.max(p, EPS), 1.0 - EPS);
            l = -(ti * Math.log(pc) + (1.0 - ti) * Math.log(1.0 - pc));
            d = pc == p ? (1.0 - ti) / (1.0 - pc) - ti / pc : 0.0;
            k = bins.of(Math.abs(p - ti));
        } else {
            double xd = xi;
            double e = MathKernels.expNeg(Math.abs(xd));
            double inv = 1.0 / (1.0 + e);
            double p = xd >= 0 ? inv : e * inv;
            d = p - ti;
            k = logitBin(xi, ti, Math.abs(d));
            l = Math.max(xd, 0.0) - xd * ti + MathKernels.log1pUnit(e);
        }
        c.recordElement(base, i, k + 1, l, d);
        return true;
    }
}
