package org.ghm4j.backend.java.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Block kernels on the incubating Vector API (D-19): loss and derivative of GHM-C and GHM-R in float32,
 * 8 or more lanes at a time, with relative error below 1e-6 (the tests bound it against StrictMath) and
 * sums in float64; GHM-R's bins in float64 lanes, exact. Use only when {@link VectorSupport#ENABLED}:
 * loading this class without the module {@code jdk.incubator.vector} fails. Every vector stays local to
 * one method: a vector passed to or returned from a call that C2 does not inline is boxed, an object per
 * operation.
 */
public final class FloatVectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** The GHM-R pass 1 kernel works on 2 x 4 doubles, whatever the preferred shape. */
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
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

    static int lanes() {
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
     * {@link #sum}. Lanes left over at the end (fewer than one vector) go through {@link MathKernels}
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
        double sum = sum(terms, j);
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
     * Pass 1 of fused GHM-R over a block, as far as it goes, from pred, target and weight widened to
     * float64: for groups of 8 elements whose pred and target are finite and whose weight w lies in
     * [0, max float], d = x - t, g = |d| / sqrt(d^2 + mu2) (IEEE operations in the scalar order: the
     * same bits as the scalar formula), slot s = w > 0 ? 1 + #{inner edges e <= g} : 0 into
     * slot[so + j], one count into counts[base + lane * m1 + s] (lane = j % 4; slot 0 is no bin and
     * never read), and the sum of their w into sum[0]. Stops at the first group holding another value,
     * or at the tail shorter than 8: returns the number of elements done, a multiple of 8.
     */
    public static int asl1Bins(double[] x, double[] t, double[] w, double mu2, double[] innerEdges,
                               short[] slot, int so, long[] counts, int base, int m1, double[] sum, int n) {
        DoubleVector weights0 = DoubleVector.zero(D4);
        DoubleVector weights1 = DoubleVector.zero(D4);
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            DoubleVector x0 = DoubleVector.fromArray(D4, x, j);
            DoubleVector x1 = DoubleVector.fromArray(D4, x, j + 4);
            DoubleVector t0 = DoubleVector.fromArray(D4, t, j);
            DoubleVector t1 = DoubleVector.fromArray(D4, t, j + 4);
            DoubleVector w0 = DoubleVector.fromArray(D4, w, j);
            DoubleVector w1 = DoubleVector.fromArray(D4, w, j + 4);
            VectorMask<Double> ok = x0.abs().max(x1.abs()).max(t0.abs()).max(t1.abs())
                    .compare(VectorOperators.LE, Float.MAX_VALUE)
                    .and(w0.min(w1).compare(VectorOperators.GE, 0.0))
                    .and(w0.max(w1).compare(VectorOperators.LE, Float.MAX_VALUE));
            if (!ok.allTrue()) {
                break;
            }
            DoubleVector d0 = x0.sub(t0);
            DoubleVector d1 = x1.sub(t1);
            DoubleVector g0 = d0.abs().div(d0.mul(d0).add(mu2).sqrt());
            DoubleVector g1 = d1.abs().div(d1.mul(d1).add(mu2).sqrt());
            DoubleVector k0 = g0.broadcast(1.0);
            DoubleVector k1 = k0;
            for (double e : innerEdges) {
                k0 = k0.add(1.0, g0.compare(VectorOperators.GE, e));
                k1 = k1.add(1.0, g1.compare(VectorOperators.GE, e));
            }
            k0 = k0.blend(0.0, w0.compare(VectorOperators.EQ, 0.0));
            k1 = k1.blend(0.0, w1.compare(VectorOperators.EQ, 0.0));
            // counted straight from the registers, in four independent chains of increments
            int s0 = (int) k0.lane(0);
            int s1 = (int) k0.lane(1);
            int s2 = (int) k0.lane(2);
            int s3 = (int) k0.lane(3);
            int s4 = (int) k1.lane(0);
            int s5 = (int) k1.lane(1);
            int s6 = (int) k1.lane(2);
            int s7 = (int) k1.lane(3);
            counts[base + s0]++;
            counts[base + m1 + s1]++;
            counts[base + 2 * m1 + s2]++;
            counts[base + 3 * m1 + s3]++;
            counts[base + s4]++;
            counts[base + m1 + s5]++;
            counts[base + 2 * m1 + s6]++;
            counts[base + 3 * m1 + s7]++;
            int at = so + j;
            slot[at] = (short) s0;
            slot[at + 1] = (short) s1;
            slot[at + 2] = (short) s2;
            slot[at + 3] = (short) s3;
            slot[at + 4] = (short) s4;
            slot[at + 5] = (short) s5;
            slot[at + 6] = (short) s6;
            slot[at + 7] = (short) s7;
            weights0 = weights0.add(w0);
            weights1 = weights1.add(w1);
        }
        // lane by lane in a fixed order (reduceLanes leaves the order of float additions open)
        DoubleVector weights = weights0.add(weights1);
        sum[0] = (weights.lane(0) + weights.lane(1)) + (weights.lane(2) + weights.lane(3));
        return j;
    }

    /**
     * Authentic Smooth L1 with per-element factors, the pass 2 of fused GHM-R, in float32, j < n:
     * d = x - t, r = sqrt(d^2 + mu^2), grad[go + j] = f[j] d / r (skipped when grad is null); returns
     * sum_j f[j] (r - mu), taken as d^2 / (r + mu), which does not cancel for |d| much below mu, and
     * summed in float64 as {@link #sigmoidBce} does. The tail shorter than a vector runs in float64.
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
        double sum = sum(terms, j);
        for (; j < n; j++) {
            double d = (double) x[xo + j] - t[to + j];
            double r = Math.sqrt(d * d + mu * mu);
            sum += f[j] * (r - mu);
            if (grad != null) {
                grad[go + j] = (float) (f[j] * d / r);
            }
        }
        return sum;
    }

    /**
     * sum_j v[j], j < n, in float64: four partial sums (element j to sum j % 4) added at the end, so
     * that the additions do not form one long chain. (Summing vectors converted to float64 instead
     * would need convertShape, which can allocate a shuffle per call when C2 does not intrinsify it.)
     */
    static double sum(float[] v, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += v[j];
            s1 += v[j + 1];
            s2 += v[j + 2];
            s3 += v[j + 3];
        }
        for (; j < n; j++) {
            s0 += v[j];
        }
        return (s0 + s1) + (s2 + s3);
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
