package org.ghm4j.backend.java.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Block kernels on the incubating Vector API (D-19): loss and derivative of GHM-C and GHM-R in float32,
 * 8 or more lanes at a time, with relative error below 1e-6 (the tests bound it against StrictMath) and
 * sums in float64; exact bins and counts without g: GHM-C's zero-target logits against the thresholds of
 * {@link LogitBins}, GHM-R's |x - t| against the bounds of {@link DeltaBins}. Counts come from sign bits
 * summed in int lanes ({@code VectorMask.trueCount} is slow on Java 17). Use only when
 * {@link VectorSupport#ENABLED}: loading this class without the module {@code jdk.incubator.vector}
 * fails. Every vector stays local to one method: a vector passed to or returned from a call that C2 does
 * not inline is boxed, an object per operation.
 */
public final class FloatVectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.length() == 16 ? IntVector.SPECIES_512
            : F.length() == 8 ? IntVector.SPECIES_256 : IntVector.SPECIES_128;
    /**
     * slot[b0] of a GHM-R block whose bins {@link #asl1Counts} counted without storing slots: pass 2
     * finds them again ({@link #asl1Harmonized}).
     */
    public static final short SLOTS_LATER = -1;
    /** exp(-87) = 1.6e-38 is still a normal float32; so is 2^-k for every k this clamp allows (k <= 126). */
    static final float A_MAX = 87f;
    private static final float LOG2E = 1.4426950408889634f;
    /** ln2 split so that k * LN2_HI is exact for k < 2^11. */
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187e-06f;
    /** 1.5 * 2^23: adding it rounds a float in [0, 2^22) to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;

    private FloatVectorKernels() {
    }

    /** Lanes per vector: the group size of the kernels. */
    public static int lanes() {
        return F.length();
    }

    /**
     * Sigmoid cross-entropy with per-element factors, the pass 2 of fused GHM-C, for j < n: with
     * p = sigmoid(x_j) and l = max(x, 0) - x t + log(1 + exp(-|x|)), writes grad[go + j] = f[j] (p - t)
     * (skipped when grad is null) and returns sum_j f[j] l. In float32: e = exp(-min(|x|, 87)) by
     * k = round(a / ln2), e = 2^-k exp(-r) with r = a - k ln2 and exp(-r) by its degree-7 Taylor
     * polynomial; q = 1 / (1 + e) and log(1 + e) = 2 atanh(u), u = e / (2 + e), to u^13, with one
     * division d = 1 / ((1 + e)(2 + e)): q = (2 + e) d, u = e (1 + e) d. The derivative p - t is taken
     * as (1 - t) - e q for x > 0 and e q - t otherwise (p = 1 - e q, or e q), which does not cancel
     * for a hard target.
     * The terms f l go to {@code terms} (n elements of scratch) and are summed in float64 by
     * {@link MathKernels#sum}. Lanes left over at the end (fewer than one vector) go through {@link MathKernels}
     * in float64.
     */
    public static double sigmoidBce(float[] x, int xo, float[] t, int to, float[] f, float[] grad, int go,
                                    float[] terms, int n) {
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + j);
            FloatVector tv = FloatVector.fromArray(F, t, to + j);
            FloatVector fv = FloatVector.fromArray(F, f, j);
            // e = exp(-a), a = min(|x|, 87): 2^-k exp(-r), k = round(a / ln2), |r| <= ln2 / 2
            FloatVector a = xv.abs().min(A_MAX);
            FloatVector biased = a.mul(LOG2E).add(ROUND);
            FloatVector kf = biased.sub(ROUND);
            FloatVector r = a.sub(kf.mul(LN2_HI)).sub(kf.mul(LN2_LO)).neg();
            FloatVector p = r.fma(1f / 5040, 1f / 720)
                    .fma(r, r.broadcast(1f / 120))
                    .fma(r, r.broadcast(1f / 24))
                    .fma(r, r.broadcast(1f / 6))
                    .fma(r, r.broadcast(0.5f))
                    .fma(r, r.broadcast(1f))
                    .fma(r, r.broadcast(1f));
            // 2^-k from the exponent bits: k sits in the low mantissa bits of biased
            IntVector kBits = biased.reinterpretAsInts().sub(ROUND_BITS);
            FloatVector e = p.mul(kBits.neg().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector s1 = e.add(1f);
            FloatVector s2 = e.add(2f);
            FloatVector d = s1.broadcast(1f).div(s1.mul(s2));
            FloatVector u = e.mul(s1).mul(d);
            FloatVector z = u.mul(u);
            FloatVector series = z.fma(1f / 13, 1f / 11)
                    .fma(z, z.broadcast(1f / 9))
                    .fma(z, z.broadcast(1f / 7))
                    .fma(z, z.broadcast(1f / 5))
                    .fma(z, z.broadcast(1f / 3))
                    .fma(z, z.broadcast(1f));
            FloatVector loss = xv.max(0f).sub(xv.mul(tv)).add(u.add(u).mul(series)).mul(fv);
            if (grad != null) {
                FloatVector eq = e.mul(s2).mul(d);
                VectorMask<Float> positive = xv.compare(VectorOperators.GT, 0f);
                eq.sub(tv).blend(tv.neg().add(1f).sub(eq), positive).mul(fv).intoArray(grad, go + j);
            }
            loss.intoArray(terms, j);
        }
        double sum = MathKernels.sum(terms, 0, j);
        for (; j < n; j++) {
            double xd = x[xo + j];
            double td = t[to + j];
            double e = MathKernels.expNeg(Math.abs(xd));
            double q = 1.0 / (1.0 + e);
            sum += f[j] * (Math.max(xd, 0.0) - xd * td + MathKernels.log1pUnit(e));
            if (grad != null) {
                grad[go + j] = (float) (f[j] * ((xd > 0 ? q : e * q) - td));
            }
        }
        return sum;
    }

    /**
     * Pass 1 of fused GHM-R over a block of n <= {@link MathKernels#BLOCK} elements, as far as it goes:
     * the leading groups of {@link #lanes} elements whose pred x and target t are finite and whose
     * weight w lies in [0, max float]. Returns the number of elements done; it stops at the first group
     * holding another value, or at the tail shorter than a vector. For these elements it adds one count
     * per valid element (w > 0) to counts[base + s], s = 1 + its bin, with the bins read from
     * a = |x - t| by {@link DeltaBins}:
     * <ol>
     *   <li>per group: a in float32, -max float where w == 0, kept as its bits (non-negative floats
     *       order as their bits; -max float's bits are -2^23 - 1, below all of them);</li>
     *   <li>per inner edge k: #{a < hi_k} and #{a < lo_k}, as sums of the sign of bits - bound (no
     *       overflow: the bounds' bits lie in those of [1e-30, 1e30]);</li>
     *   <li>when these agree for every k, no a lies in a guard band: the count of bin k is
     *       #{a >= hi_(k-1)} - #{a >= hi_k}, and slot[so] is set to {@link #SLOTS_LATER} (pass 2 finds
     *       the bins itself, by {@link #asl1Harmonized});</li>
     *   <li>otherwise every element is binned by {@link DeltaBins#slot}, counted, and its slot stored in
     *       slot[so + j].</li>
     * </ol>
     */
    public static int asl1Counts(float[] x, int xo, float[] t, int to, float[] w, int wo, DeltaBins bins,
                                 short[] slot, int so, long[] counts, int base, int n) {
        final int[] bits = BITS.get();
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + j);
            FloatVector tv = FloatVector.fromArray(F, t, to + j);
            FloatVector wv = FloatVector.fromArray(F, w, wo + j);
            VectorMask<Float> ok = xv.abs().max(tv.abs()).compare(VectorOperators.LE, Float.MAX_VALUE)
                    .and(wv.compare(VectorOperators.GE, 0f))
                    .and(wv.compare(VectorOperators.LE, Float.MAX_VALUE));
            if (!ok.allTrue()) {
                break;
            }
            xv.sub(tv).abs().blend(-Float.MAX_VALUE, wv.compare(VectorOperators.EQ, 0f))
                    .reinterpretAsInts().intoArray(bits, j);
        }
        final int done = j;
        if (done == 0) {
            return 0;
        }
        final int[] hi = bins.hiBits;
        final int[] lo = bins.loBits;
        final int inner = hi.length;
        final int[] atLeast = AT_LEAST.get();
        // the invalid elements: bits < 0
        IntVector invalid = IntVector.zero(I);
        for (int i = 0; i < done; i += I.length()) {
            invalid = invalid.add(IntVector.fromArray(I, bits, i).lanewise(VectorOperators.ASHR, 31));
        }
        final int valid = done + invalid.reduceLanes(VectorOperators.ADD);
        boolean unsure = false;
        for (int k = 0; k < inner; k++) {
            // minus the counts of bits < hi_k and bits < lo_k
            IntVector belowHi = IntVector.zero(I);
            IntVector belowLo = IntVector.zero(I);
            final int hk = hi[k];
            final int lk = lo[k];
            for (int i = 0; i < done; i += I.length()) {
                IntVector b = IntVector.fromArray(I, bits, i);
                belowHi = belowHi.add(b.sub(hk).lanewise(VectorOperators.ASHR, 31));
                belowLo = belowLo.add(b.sub(lk).lanewise(VectorOperators.ASHR, 31));
            }
            int h = belowHi.reduceLanes(VectorOperators.ADD);
            unsure |= h != belowLo.reduceLanes(VectorOperators.ADD);
            atLeast[k] = done + h;
        }
        if (unsure) {
            for (int i = 0; i < done; i++) {
                int s = bins.slot(x[xo + i], t[to + i], w[wo + i]);
                slot[so + i] = (short) s;
                counts[base + s]++;
            }
            return done;
        }
        // bin k holds #{a >= hi_(k-1)} - #{a >= hi_k}, with #{a >= hi_(-1)} = all valid
        long below = valid;
        for (int k = 0; k < inner; k++) {
            counts[base + 1 + k] += below - atLeast[k];
            below = atLeast[k];
        }
        counts[base + 1 + inner] += below;
        slot[so] = SLOTS_LATER;
        return done;
    }

    /**
     * Pass 2 of fused GHM-R, Authentic Smooth L1 harmonized, in float32, for j < n of a block whose
     * bins {@link #asl1Counts} counted from the bounds (none of its a in a guard band): the slot s of
     * each element, 0 when w == 0, else 1 + #{k: a >= hi_k}, f = factor[s] by one blend per inner
     * edge, then as {@link #asl1}: grad[go + j] = f d / r (skipped when grad is null) and the returned
     * sum of f (r - mu). Writes betaOut[bo + j] = beta[s] when betaOut is not null. The tail shorter
     * than a vector runs in float64, binned by {@link DeltaBins#slot}; so does the whole block when a
     * |x - t| is beyond 1.8e19 (its float32 square overflows, and the loss turns NaN).
     */
    public static double asl1Harmonized(float[] x, int xo, float[] t, int to, float[] w, int wo, DeltaBins bins,
                                        float[] factor, float[] beta, double mu, float[] grad, int go,
                                        float[] betaOut, int bo, float[] terms, int n) {
        final float[] hi = bins.hi;
        final int inner = hi.length;
        float muF = (float) mu;
        float mu2 = muF * muF;
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xo + j).sub(FloatVector.fromArray(F, t, to + j));
            FloatVector a = d.abs();
            VectorMask<Float> masked = FloatVector.fromArray(F, w, wo + j).compare(VectorOperators.EQ, 0f);
            FloatVector fv = FloatVector.broadcast(F, factor[1]);
            for (int k = 0; k < inner; k++) {
                fv = fv.blend(factor[k + 2], a.compare(VectorOperators.GE, hi[k]));
            }
            fv = fv.blend(factor[0], masked);
            if (betaOut != null) {
                FloatVector bv = FloatVector.broadcast(F, beta[1]);
                for (int k = 0; k < inner; k++) {
                    bv = bv.blend(beta[k + 2], a.compare(VectorOperators.GE, hi[k]));
                }
                bv.blend(beta[0], masked).intoArray(betaOut, bo + j);
            }
            FloatVector d2 = d.mul(d);
            FloatVector r = d2.add(mu2).sqrt();
            if (grad != null) {
                d.div(r).mul(fv).intoArray(grad, go + j);
            }
            d2.div(r.add(muF)).mul(fv).intoArray(terms, j);
        }
        double sum = MathKernels.sum(terms, 0, j);
        // NaN: some |x - t| above 1.8e19, whose square overflows float32 (inf / inf): the block in float64
        final int from = sum == sum ? j : 0;
        sum = sum == sum ? sum : 0.0;
        for (j = from; j < n; j++) {
            int s = bins.slot(x[xo + j], t[to + j], w[wo + j]);
            double f = factor[s];
            double d = (double) x[xo + j] - t[to + j];
            double r = Math.sqrt(d * d + mu * mu);
            sum += f * (r - mu);
            if (grad != null) {
                grad[go + j] = (float) (f * d / r);
            }
            if (betaOut != null) {
                betaOut[bo + j] = beta[s];
            }
        }
        return sum;
    }

    /**
     * Pass 1 of fused GHM-C from logits over a block of n <= {@link MathKernels#BLOCK} elements, as far
     * as it goes: the leading groups of {@link #lanes} elements whose targets are all 0 (the bulk of a
     * detector's anchors), whose logits x are finite and whose weights w lie in [0, max float]. Returns
     * the number of elements done; it stops at the first group holding anything else, or at the tail
     * shorter than a vector. For these elements it adds one count per valid element (w > 0) to
     * counts[base + 1 + bin], bin = #{k : x >= thr[k]} with thr = thr_0[1 .. M-1] of {@link LogitBins}
     * (ascending), stores no slots, and raises reach[ri] to the number of thresholds at or below the
     * largest valid x (what {@link #logitTable} needs to compare):
     * <ol>
     *   <li>per group: s = x + 0 (-0 becomes +0: the sign of s - thr_k stays exact for a threshold of 0),
     *       -inf where w == 0, kept in a block of scratch, and the
     *       running maximum of s;</li>
     *   <li>per threshold up to that maximum: #{s < thr_k} as the sum of the sign bits of s - thr_k
     *       (exact: the difference of two floats is negative exactly when the first is smaller).</li>
     * </ol>
     */
    public static int logitCounts(float[] x, int xo, float[] t, int to, float[] w, int wo, float[] thr,
                                  long[] counts, int base, int[] reach, int ri, int n) {
        final float[] s = SCRATCH.get();
        FloatVector top = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + j);
            FloatVector wv = FloatVector.fromArray(F, w, wo + j);
            VectorMask<Float> ok = FloatVector.fromArray(F, t, to + j).compare(VectorOperators.EQ, 0f)
                    .and(xv.abs().compare(VectorOperators.LE, Float.MAX_VALUE))
                    .and(wv.compare(VectorOperators.GE, 0f))
                    .and(wv.compare(VectorOperators.LE, Float.MAX_VALUE));
            if (!ok.allTrue()) {
                break;
            }
            FloatVector sv = xv.add(0f).blend(Float.NEGATIVE_INFINITY, wv.compare(VectorOperators.EQ, 0f));
            top = top.max(sv);
            sv.intoArray(s, j);
        }
        final int done = j;
        if (done == 0) {
            return 0;
        }
        final float max = top.reduceLanes(VectorOperators.MAX);
        int reached = 0;
        while (reached < thr.length && thr[reached] <= max) {
            reached++;
        }
        reach[ri] = Math.max(reach[ri], reached);
        // the valid elements: s > -inf, i.e. not below -max float
        long below = done - belowCount(s, done, -Float.MAX_VALUE);
        for (int k = 0; k < thr.length; k++) {
            long atLeast = k < reached ? done - belowCount(s, done, thr[k]) : 0;
            counts[base + 1 + k] += below - atLeast;
            below = atLeast;
        }
        counts[base + 1 + thr.length] += below;
        return done;
    }

    /** #{j < n : s[j] < bound}, n a multiple of {@link #lanes}, from the sign bits of s - bound. */
    private static int belowCount(float[] s, int n, float bound) {
        IntVector acc = IntVector.zero(I);
        for (int j = 0; j < n; j += F.length()) {
            acc = acc.add(FloatVector.fromArray(F, s, j).sub(bound).reinterpretAsInts()
                    .lanewise(VectorOperators.ASHR, 31));
        }
        return -acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Per-element values of GHM-C slots for a block of n <= {@link MathKernels#BLOCK} elements that
     * pass 1 checked: out[oo + j] = table[s_j], with s_j = 0 where w == 0, else
     * 1 + #{k < reached : x >= thr[k]} in groups whose targets are all 0 (as {@link #logitCounts} bins
     * them; reached is what it recorded for the block), and s_j = slot[so + j] elsewhere (pass 1 binned
     * those element by element and stored the slots). The slots of a group come from the sign bits of
     * x + 0 - thr[k] (as in {@link #logitCounts}), summed per lane.
     */
    public static void logitTable(float[] x, int xo, float[] t, int to, float[] w, int wo, float[] thr, int reached,
                                  short[] slot, int so, float[] table, float[] out, int oo, int n) {
        final int[] slots = SLOTS.get();
        final int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            if (FloatVector.fromArray(F, t, to + j).compare(VectorOperators.EQ, 0f).allTrue()) {
                FloatVector xv = FloatVector.fromArray(F, x, xo + j).add(0f);
                IntVector sv = IntVector.broadcast(I, 1 + reached);
                for (int k = 0; k < reached; k++) {
                    sv = sv.add(xv.sub(thr[k]).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31));
                }
                // slot 0 where w == +-0: (|w| bits + 2^31 - 1) >> 31 is -1 for |w| > 0, else 0
                IntVector valid = FloatVector.fromArray(F, w, wo + j).reinterpretAsInts()
                        .lanewise(VectorOperators.AND, 0x7FFFFFFF).add(0x7FFFFFFF).lanewise(VectorOperators.ASHR, 31);
                sv.lanewise(VectorOperators.AND, valid).intoArray(slots, j);
            } else {
                for (int l = j; l < j + F.length(); l++) {
                    slots[l] = slot[so + l];
                }
            }
        }
        for (; j < n; j++) {
            slots[j] = slot[so + j];
        }
        for (int i = 0; i < n; i++) {
            out[oo + i] = table[slots[i]];
        }
    }

    /** Per thread: the slots of a block, for {@link #logitTable}. */
    private static final ThreadLocal<int[]> SLOTS = ThreadLocal.withInitial(() -> new int[MathKernels.BLOCK]);
    /** Per thread: a block of floats for {@link #logitCounts}. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[MathKernels.BLOCK]);
    /** Per thread: the bits of a of {@link #asl1Counts}, one block. */
    private static final ThreadLocal<int[]> BITS = ThreadLocal.withInitial(() -> new int[MathKernels.BLOCK]);
    /** Per thread: the counts #{a >= hi_k} of {@link #asl1Counts}, one per inner edge. */
    private static final ThreadLocal<int[]> AT_LEAST = ThreadLocal.withInitial(() -> new int[DeltaBins.MAX_BINS]);

    /**
     * Authentic Smooth L1 with per-element factors, the pass 2 of fused GHM-R, in float32, j < n:
     * d = x - t, r = sqrt(d^2 + mu^2), grad[go + j] = f[j] d / r (skipped when grad is null); returns
     * sum_j f[j] (r - mu), taken as d^2 / (r + mu), which does not cancel for |d| much below mu, and
     * summed in float64 as {@link #sigmoidBce} does. The tail shorter than a vector runs in float64, and
     * so does the whole block when a |x - t| is beyond 1.8e19 (its float32 square overflows).
     */
    public static double asl1(float[] x, int xo, float[] t, int to, float[] f, double mu, float[] grad, int go,
                              float[] terms, int n) {
        float muF = (float) mu;
        float mu2 = muF * muF;
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector fv = FloatVector.fromArray(F, f, j);
            FloatVector d = FloatVector.fromArray(F, x, xo + j).sub(FloatVector.fromArray(F, t, to + j));
            FloatVector d2 = d.mul(d);
            FloatVector r = d2.add(mu2).sqrt();
            FloatVector loss = d2.div(r.add(muF)).mul(fv);
            if (grad != null) {
                d.div(r).mul(fv).intoArray(grad, go + j);
            }
            loss.intoArray(terms, j);
        }
        double sum = MathKernels.sum(terms, 0, j);
        // NaN: some |x - t| above 1.8e19, whose square overflows float32 (inf / inf): the block in float64
        final int from = sum == sum ? j : 0;
        sum = sum == sum ? sum : 0.0;
        for (j = from; j < n; j++) {
            double d = (double) x[xo + j] - t[to + j];
            double r = Math.sqrt(d * d + mu * mu);
            sum += f[j] * (r - mu);
            if (grad != null) {
                grad[go + j] = (float) (f[j] * d / r);
            }
        }
        return sum;
    }

    /** Runs the kernels once on known values; throws when a result is off (a broken vector runtime). */
    static void selfTest() {
        int n = 4 * F.length() + 3;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] f = new float[n];
        float[] grad = new float[n];
        double[] p = new double[n];
        double expected = 0.0;
        for (int j = 0; j < n; j++) {
            x[j] = (j - n / 2) * 0.75f;
            t[j] = j % 3 == 0 ? 1f : 0f;
            f[j] = 0.5f;
            double e = StrictMath.exp(-Math.abs(x[j]));
            p[j] = x[j] > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
            expected += 0.5 * (Math.max(x[j], 0.0) - x[j] * t[j] + StrictMath.log1p(e));
        }
        double got = sigmoidBce(x, 0, t, 0, f, grad, 0, new float[n], n);
        if (!(Math.abs(got - expected) <= 1e-5 * Math.abs(expected))) {
            throw new IllegalStateException("vector kernel self-test: loss " + got + ", expected " + expected);
        }
        for (int j = 0; j < n; j++) {
            double want = 0.5 * (p[j] - t[j]);
            if (!(Math.abs(grad[j] - want) <= 1e-5 * Math.abs(want) + 1e-30)) {
                throw new IllegalStateException("vector kernel self-test: gradient " + grad[j] + " at " + j + ", expected " + want);
            }
        }
    }
}
