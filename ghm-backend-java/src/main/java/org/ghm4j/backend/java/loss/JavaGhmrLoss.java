package org.ghm4j.backend.java.loss;

import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.DeltaBins;
import org.ghm4j.backend.java.kernel.FloatVectorKernels;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * GHM-R with Authentic Smooth L1 (GHM-4): d = x - t, l = sqrt(d^2 + mu^2) - mu,
 * g = |d| / sqrt(d^2 + mu^2), raw derivative d / sqrt(d^2 + mu^2), each computed literally in float64
 * (one rounding per operation, as the ND4J backend and the reference do), or, for a reduced loss with
 * the vector kernels, l and the derivative in float32 and the bins from |x - t| (D-19);
 * tot = sum of the label weights.
 */
final class JavaGhmrLoss extends AbstractJavaLoss {
    private static final Call.RangeRules RULES = new Call.RangeRules("pred", "(-inf, inf)", "GHM-6.1",
            "(-inf, inf)", "GHM-6.1");

    private final GhmrConfig config;
    private final double mu2;
    private final double mu;
    /** Bins from |x - t| for the vector kernels; null when they do not apply (M > 32, extreme mu). */
    private final DeltaBins deltaBins;

    JavaGhmrLoss(GhmrConfig config, Workers workers) {
        super(config, workers);
        this.config = config;
        this.mu = config.mu();
        this.mu2 = config.mu() * config.mu();
        this.deltaBins = DeltaBins.of(config.estimatorConfig().edges(), mu2);
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

    /**
     * With a reduced loss the fused scheme runs ({@link #pass1Fused}, {@link #pass2Fused}); with
     * {@code Reduction.NONE}, {@link #pass1} and the generic pass 2.
     */
    @Override
    boolean fused(Call c) {
        return c.elementLoss == null;
    }

    /**
     * Fused pass 1 in blocks of {@link MathKernels#BLOCK} elements: a vectorized loop gives
     * g = |d| / sqrt(d^2 + mu^2) for the block (IEEE sqrt and division: the same bits as
     * {@link #element}), then a scalar loop validates, bins, counts and stores the slots. With the
     * vector kernels, {@link FloatVectorKernels#asl1Counts} counts the block's leading well-formed
     * elements by their bins from |x - t| (no g, and usually no slots: the vector pass 2 finds the bins
     * again), and the scalar loop does only the rest (a bad value, which it reports, or a tail shorter
     * than a vector). The chunk's tot part is the sum of its label weights, taken once per chunk
     * ({@link #weightSum}).
     */
    @Override
    void pass1Fused(Call c, int chunk) {
        final int m1 = c.slots;
        final int base = c.partialBase(chunk);
        final long[] counts = c.counts;
        final float[] x = c.pred;
        final int xo = c.predOff;
        final float[] t = c.target;
        final int to = c.targetOff;
        final short[] slot = c.slot;
        final double[][] buffers = MathKernels.blockBuffers();
        final double[] g = buffers[0];
        final double[] tb = buffers[1];
        final float[] wb = MathKernels.blockFloats()[0];
        final int hi = c.rowEnd(chunk) * c.cols;
        // reported only if no element before its row is bad
        final int badRow = c.firstBadRowWeight(chunk);
        final int limit = badRow * c.cols;
        final boolean vector = VectorSupport.ENABLED && deltaBins != null;
        for (int b0 = c.rowStart(chunk) * c.cols; b0 < hi; b0 += MathKernels.BLOCK) {
            final int end = Math.min(hi, b0 + MathKernels.BLOCK);
            final int n = end - b0;
            final float[] w = c.weight != null ? c.weight : c.weightBlock(b0, n, wb);
            final int wo = c.weight != null ? c.weightOff + b0 : 0;
            int valid = Math.max(0, Math.min(n, limit - b0));
            int done = 0;
            if (vector) {
                // the leading well-formed elements; the rest (a bad value, the tail) below
                done = FloatVectorKernels.asl1Counts(x, xo + b0, t, to + b0, w, wo, deltaBins, slot, b0, counts, base,
                        valid);
                for (int j = done; j < valid; j++) {
                    double d = (double) x[xo + b0 + j] - t[to + b0 + j];
                    g[j] = Math.abs(d) / Math.sqrt(d * d + mu2);
                }
            } else {
                MathKernels.widen(x, xo + b0, g, n);
                MathKernels.widen(t, to + b0, tb, n);
                for (int j = 0; j < n; j++) {
                    double d = g[j] - tb[j];
                    g[j] = Math.abs(d) / Math.sqrt(d * d + mu2);
                }
            }
            for (int i = b0 + done, stop = b0 + valid; i < stop; i++) {
                int j = i - b0;
                float wi = w[wo + j];
                boolean finite = (Math.abs(x[xo + i]) <= Float.MAX_VALUE) & (Math.abs(t[to + i]) <= Float.MAX_VALUE);
                if (finite & wi > 0f & wi <= Float.MAX_VALUE) {
                    int s = bins.of(g[j]) + 1;
                    counts[base + (i & 3) * m1 + s]++;
                    slot[i] = (short) s;
                } else if (finite & wi == 0f) {
                    slot[i] = 0;
                } else {
                    // a bad value: recorded in order
                    element(c, chunk, base, i, wi);
                    return;
                }
            }
            if (valid < n) {
                // every element before the bad row weight is fine: report the row weight
                c.rowWeightOf(chunk, badRow);
                return;
            }
        }
        c.totParts[chunk] = weightSum(c, chunk);
    }

    /**
     * The sum of the label weights of a chunk whose weights pass 1 checked, in float64: its element
     * count without weights, cols times the sum of its row weights, or the sum of its element weights
     * (in four partial sums).
     */
    private static double weightSum(Call c, int chunk) {
        final int r0 = c.rowStart(chunk);
        final int r1 = c.rowEnd(chunk);
        if (c.rowWeight != null) {
            return c.cols * MathKernels.sum(c.rowWeight, c.rowWeightOff + r0, r1 - r0);
        }
        if (c.weight != null) {
            return MathKernels.sum(c.weight, c.weightOff + r0 * c.cols, (r1 - r0) * c.cols);
        }
        return (double) (r1 - r0) * c.cols;
    }

    /**
     * Fused pass 2, per block: with {@link VectorSupport#ENABLED} loss and f * derivative in float32,
     * with the bins found again from |x - t| by {@link FloatVectorKernels#asl1Harmonized} when pass 1
     * did not store the slots, else by {@link FloatVectorKernels#asl1} from the slots; else a
     * vectorized float64 loop gives the loss sqrt(d^2 + mu^2) - mu and the raw derivative
     * d / sqrt(d^2 + mu^2), then per element f = factor of its slot: loss += f l,
     * gradient = f * derivative (slot 0 has factor 0).
     */
    @Override
    void pass2Fused(Call c, int chunk, Factors factors, float[] weightsArr, int weightsOff) {
        final float[] x = c.pred;
        final int xo = c.predOff;
        final float[] t = c.target;
        final int to = c.targetOff;
        final double[][] buffers = MathKernels.blockBuffers();
        final double[] deriv = buffers[0];
        final double[] tb = buffers[1];
        final double[] lossBlock = buffers[2];
        final int hi = c.rowEnd(chunk) * c.cols;
        final boolean vector = VectorSupport.ENABLED;
        final float[][] floats = MathKernels.blockFloats();
        double loss = 0.0;
        for (int b0 = c.rowStart(chunk) * c.cols; b0 < hi; b0 += MathKernels.BLOCK) {
            final int n = Math.min(hi, b0 + MathKernels.BLOCK) - b0;
            if (vector && c.slot[b0] == FloatVectorKernels.SLOTS_LATER) {
                final float[] w = c.weight != null ? c.weight : c.weightBlock(b0, n, floats[0]);
                final int wo = c.weight != null ? c.weightOff + b0 : 0;
                loss += FloatVectorKernels.asl1Harmonized(x, xo + b0, t, to + b0, w, wo, deltaBins,
                        factors.f32(), factors.beta(), mu, c.raw, c.rawOff + b0, weightsArr, weightsOff + b0,
                        floats[1], n);
                continue;
            }
            if (vector) {
                float[] f = factorBlock(c, b0, n, factors.f32(), floats[0]);
                loss += FloatVectorKernels.asl1(x, xo + b0, t, to + b0, f, mu, c.raw, c.rawOff + b0, floats[1], n);
            } else {
                MathKernels.widen(x, xo + b0, deriv, n);
                MathKernels.widen(t, to + b0, tb, n);
                MathKernels.asl1LossBlock(deriv, tb, mu, lossBlock, deriv, n);
                loss += scaleBlock(c, b0, n, factors.f64(), lossBlock, deriv);
            }
            betaBlock(c, b0, n, factors.beta(), weightsArr, weightsOff);
        }
        c.lossParts[chunk] = loss;
    }

    /**
     * Pass 1 of {@code Reduction.NONE}, in blocks: one vectorized loop computes d, g, the loss and the
     * raw derivative of the whole block, then a scalar loop validates, bins and accumulates; an
     * element that is not finite or has a bad weight goes through {@link #element}, which records
     * the error.
     */
    @Override
    void pass1(Call c, int chunk) {
        final int base = c.partialBase(chunk);
        final float[] x = c.pred;
        final int xo = c.predOff;
        final float[] t = c.target;
        final int to = c.targetOff;
        final float[] w = c.weight;
        final int wo = c.weightOff;
        final int cols = c.cols;
        final double[][] buffers = MathKernels.blockBuffers();
        final double[] g = buffers[0];
        final double[] tb = buffers[1];
        final double[] loss = buffers[2];
        final double[] deriv = buffers[3];
        final int hi = c.rowEnd(chunk) * cols;
        double weightSum = 0;
        for (int b0 = c.rowStart(chunk) * cols; b0 < hi; b0 += MathKernels.BLOCK) {
            final int end = Math.min(hi, b0 + MathKernels.BLOCK);
            final int n = end - b0;
            MathKernels.widen(x, xo + b0, g, n);
            MathKernels.widen(t, to + b0, tb, n);
            MathKernels.asl1Block(g, tb, mu, loss, deriv, n);
            // one run per row, or per block when the weights are per element (no division per row:
            // rows are often 4 elements long)
            int r = b0 / cols;
            int i = b0;
            while (i < end) {
                int runEnd = w == null ? Math.min(end, (r + 1) * cols) : end;
                float wr = c.rowWeightOf(chunk, r++);
                if (wr < 0f) {
                    return;
                }
                if (wr == 0f) {
                    // a masked row: validated and zeroed out of the hot loop
                    for (; i < runEnd; i++) {
                        if (!element(c, chunk, base, i, 0f)) {
                            return;
                        }
                    }
                    continue;
                }
                for (; i < runEnd; i++) {
                    float wi = w == null ? wr : w[wo + i];
                    boolean finite = (Math.abs(x[xo + i]) <= Float.MAX_VALUE)
                            & (Math.abs(t[to + i]) <= Float.MAX_VALUE);
                    if (!finite | !(wi > 0f && wi <= Float.MAX_VALUE)) {
                        if (finite & wi == 0f) {
                            c.zeroElement(i);
                        } else if (!element(c, chunk, base, i, wi)) {
                            return;
                        }
                    } else {
                        int j = i - b0;
                        c.recordElement(base, i, bins.of(g[j]) + 1, loss[j], deriv[j]);
                    }
                    weightSum += wi;
                }
            }
        }
        c.totParts[chunk] = weightSum;
    }

    /** One element by the definitions: validation (false after recording an error), then as the block loop. */
    private boolean element(Call c, int chunk, int base, int i, float wi) {
        float xi = c.pred[c.predOff + i];
        float ti = c.target[c.targetOff + i];
        if (!(Math.abs(xi) <= Float.MAX_VALUE)) {
            c.fail(chunk, Call.ARG_PRED, i);
            return false;
        }
        if (!(Math.abs(ti) <= Float.MAX_VALUE)) {
            c.fail(chunk, Call.ARG_TARGET, i);
            return false;
        }
        if (!(wi >= 0f && wi <= Float.MAX_VALUE)) {
            c.fail(chunk, Call.ARG_WEIGHT, i);
            return false;
        }
        if (wi == 0f) {
            c.zeroElement(i);
            return true;
        }
        double d = (double) xi - ti;
        double r = Math.sqrt(d * d + mu2);
        c.recordElement(base, i, bins.of(Math.abs(d) / r) + 1, r - mu, d / r);
        return true;
    }
}
