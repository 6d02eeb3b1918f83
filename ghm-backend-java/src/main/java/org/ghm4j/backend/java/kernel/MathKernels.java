package org.ghm4j.backend.java.kernel;

/**
 * Table-driven exp and log1p for the scalar loops, and block kernels that C2 vectorizes. On the
 * reference machine {@link Math#exp} and {@link Math#log} cost about 9 to 18 ns per call; the scalar
 * kernels cost a few, the block kernels about 3.5 ns per element for exp, 1 / (1 + e) and log(1 + e)
 * together, with relative error below 1e-13 over the ranges they accept (checked against StrictMath
 * in the tests).
 */
public final class MathKernels {
    private static final int EXP_BITS = 8;
    private static final int EXP_SIZE = 1 << EXP_BITS;
    /** 2^(-j/256), j = 0..255. */
    private static final double[] EXP2_NEG = new double[EXP_SIZE];
    private static final double K_PER_UNIT = EXP_SIZE / Math.log(2.0);
    /** ln2 / 256 split so that k * STEP_HI is exact for k < 2^20. */
    private static final double STEP_HI;
    private static final double STEP_LO;
    /** exp(-a) for a above this is below the smallest normal double and returned as ~3e-308. */
    private static final double A_MAX = 708.0;

    private static final int LOG_SIZE = 1024;
    /** log(1 + j/1024) and 1 / (1 + j/1024), j = 0..1024. */
    private static final double[] LOG1P_C = new double[LOG_SIZE + 1];
    private static final double[] INV_1P_C = new double[LOG_SIZE + 1];

    static {
        for (int j = 0; j < EXP_SIZE; j++) {
            EXP2_NEG[j] = StrictMath.pow(2.0, -j / (double) EXP_SIZE);
        }
        double step = Math.log(2.0) / EXP_SIZE;
        STEP_HI = Double.longBitsToDouble(Double.doubleToRawLongBits(step) & 0xFFFFFFFF00000000L);
        STEP_LO = step - STEP_HI;
        for (int j = 0; j <= LOG_SIZE; j++) {
            double c = j / (double) LOG_SIZE;
            LOG1P_C[j] = StrictMath.log1p(c);
            INV_1P_C[j] = 1.0 / (1.0 + c);
        }
    }

    private MathKernels() {
    }

    /**
     * e^(-a) for a >= 0. With k = round(a * 256 / ln2): e^(-a) = 2^(-k/256) e^(-r), r = a - k ln2/256
     * in [-ln2/512, ln2/512]; 2^(-k/256) from a 256-entry table and the exponent bits, e^(-r) by a
     * degree-3 polynomial (truncation r^4/24 < 2e-13). Inputs above 708 are clamped to 708.
     */
    public static double expNeg(double a) {
        double x = Math.min(a, A_MAX);
        int k = (int) (x * K_PER_UNIT + 0.5);
        double r = (x - k * STEP_HI) - k * STEP_LO;
        double p = 1.0 - r * (1.0 - r * (0.5 - r * (1.0 / 6.0)));
        double scale = Double.longBitsToDouble((long) (1023 - (k >> EXP_BITS)) << 52);
        return EXP2_NEG[k & (EXP_SIZE - 1)] * scale * p;
    }

    /**
     * log(1 + e) for e in [0, 1]. With c = floor(1024 e) / 1024: log(1 + e) = log(1 + c) + log1p(v),
     * v = (e - c) / (1 + c) in [0, 1/1024] (e - c is exact), log1p(v) by a degree-4 series (truncation
     * v^5/5, below 2e-13 relative). For e < 1/1024, c = 0 and v = e: no cancellation for tiny e.
     */
    public static double log1pUnit(double e) {
        int j = (int) (e * LOG_SIZE);
        double v = (e - j * (1.0 / LOG_SIZE)) * INV_1P_C[j];
        double series = v * (1.0 - v * (0.5 - v * (1.0 / 3.0 - v * 0.25)));
        return LOG1P_C[j] + series;
    }
    /** Elements per block of the vectorized kernels below: their arrays stay in L1. */
    public static final int BLOCK = 512;

    /** Largest |x| the block exp takes: exp(-88) = 6e-39 is below the smallest normal float32. */
    private static final double BLOCK_A_MAX = 88.0;

    /** out[j] = (double) in[off + j], j < n. A loop of its own so that C2 vectorizes the conversion. */
    public static void widen(float[] in, int off, double[] out, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = in[off + j];
        }
    }

    /**
     * e[j] = exp(-min(|a[j]|, 88)) for j < n, relative error below 1e-13 (at most 5e-11 where e < 1e-21).
     * With y = min(|a|, 88) / 256 <= 0.344: exp(-y) by its degree-10 Taylor polynomial, squared eight
     * times. Only double multiplies and adds, no table or bit manipulation, so C2 vectorizes the loop.
     */
    public static void expNegBlock(double[] a, double[] e, int n) {
        for (int j = 0; j < n; j++) {
            double y = -Math.min(Math.abs(a[j]), BLOCK_A_MAX) * (1.0 / 256);
            // Estrin's scheme: shorter dependency chains than Horner's
            double y2 = y * y;
            double y4 = y2 * y2;
            double y8 = y4 * y4;
            double b0 = (1 + y) + y2 * (1.0 / 2 + y * (1.0 / 6));
            double b1 = (1.0 / 24 + y * (1.0 / 120)) + y2 * (1.0 / 720 + y * (1.0 / 5040));
            double b2 = (1.0 / 40320 + y * (1.0 / 362880)) + y2 * (1.0 / 3628800);
            double p = b0 + y4 * b1 + y8 * b2;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            e[j] = p;
        }
    }

    /**
     * For e[j] in [0, 1], j < n: q[j] = 1 / (1 + e[j]) and lp[j] = log(1 + e[j]) = 2 atanh(u),
     * u = e / (2 + e) <= 1/3, by its odd series to u^23 (truncation below 2e-13 relative). Vectorized
     * like {@link #expNegBlock}.
     */
    public static void sigmoidLogBlock(double[] e, double[] q, double[] lp, int n) {
        for (int j = 0; j < n; j++) {
            double ev = e[j];
            double u = ev / (2.0 + ev);
            double z = u * u;
            double z2 = z * z;
            double z4 = z2 * z2;
            double z8 = z4 * z4;
            double d0 = (1 + z * (1.0 / 3)) + z2 * (1.0 / 5 + z * (1.0 / 7));
            double d1 = (1.0 / 9 + z * (1.0 / 11)) + z2 * (1.0 / 13 + z * (1.0 / 15));
            double d2 = (1.0 / 17 + z * (1.0 / 19)) + z2 * (1.0 / 21 + z * (1.0 / 23));
            lp[j] = 2 * u * (d0 + z4 * d1 + z8 * d2);
            q[j] = 1.0 / (1.0 + ev);
        }
    }

    /**
     * Sigmoid cross-entropy of a block, j < n, from logits a[j] and targets t[j] (any t in [0, 1]):
     * loss[j] = max(x, 0) - x t + log(1 + exp(-|x|)) and, in place, a[j] = sigmoid(x) - t. Uses
     * e = exp(-min(|x|, 88)) (D-18); p = q max(e, [x > 0]) with q = 1 / (1 + e), where
     * [x > 0] = min(max(x 2^1000, 0), 1), so that no branch stops C2 from vectorizing. {@code e} and
     * {@code q} are scratch of at least n elements.
     */
    public static void sigmoidBceBlock(double[] a, double[] t, double[] loss, double[] e, double[] q, int n) {
        expNegBlock(a, e, n);
        sigmoidLogBlock(e, q, loss, n);
        for (int j = 0; j < n; j++) {
            double xv = a[j];
            double tv = t[j];
            loss[j] += Math.max(xv, 0.0) - xv * tv;
            a[j] = q[j] * Math.max(e[j], Math.min(Math.max(xv * 0x1p1000, 0.0), 1.0)) - tv;
        }
    }

    /**
     * Authentic Smooth L1 (GHM-4) of a block without g, as {@link #asl1Block}: with d = x[j] - t[j] and
     * r = sqrt(d^2 + mu^2), loss[j] = r - mu and deriv[j] = d / r (x and deriv may be one array).
     */
    public static void asl1LossBlock(double[] x, double[] t, double mu, double[] loss, double[] deriv, int n) {
        double mu2 = mu * mu;
        for (int j = 0; j < n; j++) {
            double d = x[j] - t[j];
            double r = Math.sqrt(d * d + mu2);
            loss[j] = r - mu;
            deriv[j] = d / r;
        }
    }

    /**
     * The last loop of a float64 fused pass 2 over a block, j < n: with f = factor[slot[so + j]],
     * out[oo + j] = f deriv[j] in float32 (skipped when out is null); returns sum_j f loss[j], added in
     * two partial sums (even and odd elements) to halve the chain of dependent additions.
     */
    public static double scaleBlock(double[] factor, short[] slot, int so, double[] loss, double[] deriv,
                                    float[] out, int oo, int n) {
        double loss0 = 0.0;
        double loss1 = 0.0;
        int j = 0;
        for (; j + 1 < n; j += 2) {
            double f0 = factor[slot[so + j]];
            double f1 = factor[slot[so + j + 1]];
            loss0 += f0 * loss[j];
            loss1 += f1 * loss[j + 1];
            if (out != null) {
                out[oo + j] = (float) (f0 * deriv[j]);
                out[oo + j + 1] = (float) (f1 * deriv[j + 1]);
            }
        }
        if (j < n) {
            double f0 = factor[slot[so + j]];
            loss0 += f0 * loss[j];
            if (out != null) {
                out[oo + j] = (float) (f0 * deriv[j]);
            }
        }
        return loss0 + loss1;
    }

    /**
     * Authentic Smooth L1 (GHM-4) of a block by the literal formulas, one rounding per operation, j < n:
     * with x = xg[j] on entry, d = x - t[j] and r = sqrt(d^2 + mu^2): loss[j] = r - mu,
     * deriv[j] = d / r and, in place, xg[j] = g = |d| / r. C2 vectorizes the loop.
     */
    public static void asl1Block(double[] xg, double[] t, double mu, double[] loss, double[] deriv, int n) {
        double mu2 = mu * mu;
        for (int j = 0; j < n; j++) {
            double d = xg[j] - t[j];
            double r = Math.sqrt(d * d + mu2);
            loss[j] = r - mu;
            deriv[j] = d / r;
            xg[j] = Math.abs(d) / r;
        }
    }

    /**
     * sum_j v[off + j], j < n, in float64: four partial sums (element j to sum j % 4) added at the end,
     * so that the additions do not form one long chain.
     */
    public static double sum(float[] v, int off, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += v[off + j];
            s1 += v[off + j + 1];
            s2 += v[off + j + 2];
            s3 += v[off + j + 3];
        }
        for (; j < n; j++) {
            s0 += v[off + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Five double arrays of {@link #BLOCK} elements per thread, for the block kernels. */
    public static double[][] blockBuffers() {
        return BUFFERS.get();
    }

    /** Three float arrays of {@link #BLOCK} elements per thread (a block's label weights, factors and terms). */
    public static float[][] blockFloats() {
        return FLOAT_BUFFERS.get();
    }

    private static final ThreadLocal<float[][]> FLOAT_BUFFERS = ThreadLocal.withInitial(() -> new float[3][BLOCK]);

    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[5][BLOCK]);
}
