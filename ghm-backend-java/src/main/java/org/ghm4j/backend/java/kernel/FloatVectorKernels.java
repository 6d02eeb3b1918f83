package org.ghm4j.backend.java.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 block kernels on the incubating Vector API, 8 or more lanes at a time. Use only when
 * {@link VectorSupport#ENABLED}: loading this class without the module {@code jdk.incubator.vector}
 * fails. Relative error of loss and derivative below 1e-6 (float32 arithmetic; the tests bound it
 * against StrictMath); sums are accumulated in float64.
 */
public final class FloatVectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
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
     * The sum is taken in float64, lane by lane, then across lanes in a fixed order. Lanes left over
     * at the end (fewer than one vector) go through {@link MathKernels} in float64.
     */
    public static double sigmoidBce(float[] x, int xo, float[] t, int to, float[] f, float[] grad, int go, int n) {
        DoubleVector sum0 = DoubleVector.zero(D);
        DoubleVector sum1 = DoubleVector.zero(D);
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + j);
            FloatVector tv = FloatVector.fromArray(F, t, to + j);
            FloatVector fv = FloatVector.fromArray(F, f, j);
            FloatVector e = expNeg(xv.abs().min(A_MAX));
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
            sum0 = sum0.add(loss.convertShape(VectorOperators.F2D, D, 0));
            sum1 = sum1.add(loss.convertShape(VectorOperators.F2D, D, 1));
        }
        double sum = 0.0;
        for (int lane = 0; lane < D.length(); lane++) {
            sum += sum0.lane(lane) + sum1.lane(lane);
        }
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

    /** exp(-a) for 0 <= a <= {@link #A_MAX}: 2^-k exp(-r), k = round(a / ln2), |r| <= ln2 / 2. */
    private static FloatVector expNeg(FloatVector a) {
        FloatVector biased = a.mul(LOG2E).add(ROUND);
        FloatVector k = biased.sub(ROUND);
        FloatVector r = a.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO)).neg();
        FloatVector p = r.fma(1f / 5040, 1f / 720)
                .fma(r, r.broadcast(1f / 120))
                .fma(r, r.broadcast(1f / 24))
                .fma(r, r.broadcast(1f / 6))
                .fma(r, r.broadcast(0.5f))
                .fma(r, r.broadcast(1f))
                .fma(r, r.broadcast(1f));
        // 2^-k from the exponent bits: k sits in the low mantissa bits of biased
        IntVector kBits = biased.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector scale = kBits.neg().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
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
        double got = sigmoidBce(x, 0, t, 0, f, grad, 0, n);
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
