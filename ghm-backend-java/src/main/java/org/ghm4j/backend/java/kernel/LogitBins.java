package org.ghm4j.backend.java.kernel;

import org.ghm4j.api.config.BinEdges;

/**
 * GHM-C bins of logits with hard targets, without computing g. With t in {0, 1} let
 * s = x for t = 0 and s = -x for t = 1 (the sign of x flipped by t's exponent bit). Then
 * g = |sigmoid(x) - t| is a non-decreasing function of s, so bin(x, t) = #{k >= 1 : s >= thr_t[k]}
 * where thr_t[k] is the smallest float32 s with g >= e_k. The thresholds are found once by bisection
 * over the float32 values with the reference g of {@link #referenceG} (D-3), so the result equals the
 * edge comparison of GHM-1.2 for every float32 logit.
 *
 * <p>Lookup: {@link #bucket()} maps the top 16 bits of s to the lowest bin in that range of floats,
 * plus {@link #AMBIGUOUS} when a threshold falls inside the range; only then the caller finishes with
 * {@code while (s >= thresholds[flip * stride() + k + 1]) k++}. Table and thresholds: 128 KB + 8 (M + 1) B.
 */
public final class LogitBins {
    /** Flag bit of a {@link #bucket()} entry whose range of floats contains a threshold. */
    public static final int AMBIGUOUS = 0x8000;
    private final int m;
    private final char[] bucket = new char[1 << 16];
    /** thr_0[0..M] then thr_1[0..M]; thr[0] = -inf, thr[M] = +inf. */
    private final float[] thresholds;

    public LogitBins(BinEdges edges) {
        m = edges.bins();
        thresholds = new float[2 * (m + 1)];
        for (int flip = 0; flip < 2; flip++) {
            int off = flip * (m + 1);
            thresholds[off] = Float.NEGATIVE_INFINITY;
            thresholds[off + m] = Float.POSITIVE_INFINITY;
            for (int k = 1; k < m; k++) {
                thresholds[off + k] = firstAtOrAbove(edges.edge(k), flip);
            }
        }
        for (int b = 0; b < bucket.length; b++) {
            // the smallest and largest float whose top 16 bits are b
            float lo = Float.intBitsToFloat(b < 0x8000 ? b << 16 : (b << 16) | 0xFFFF);
            float hi = Float.intBitsToFloat(b < 0x8000 ? (b << 16) | 0xFFFF : b << 16);
            if (!Float.isFinite(lo) || !Float.isFinite(hi)) {
                continue;
            }
            int low = Math.min(binOf(lo, 0), binOf(lo, 1));
            int high = Math.max(binOf(hi, 0), binOf(hi, 1));
            bucket[b] = (char) (low == high ? low : low | AMBIGUOUS);
        }
    }

    /**
     * The reference g of D-3 in float64: p = 1 / (1 + E) for x >= 0, E / (1 + E) otherwise, with
     * E = exp(-|x|) ({@link StrictMath#exp}); g = |p - t|.
     */
    public static double referenceG(float x, float t) {
        return referenceG((double) x, (double) t);
    }

    /** {@link #referenceG(float, float)} for float64 logits and targets. */
    public static double referenceG(double x, double t) {
        double e = StrictMath.exp(-Math.abs(x));
        double p = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        return Math.abs(p - t);
    }

    public int bins() {
        return m;
    }

    /** Lowest bin per top-16-bit pattern of s, plus {@link #AMBIGUOUS} where a threshold lies inside. */
    public char[] bucket() {
        return bucket;
    }

    /** thr_0[1 .. M-1]: bin(x, 0) = #{k : x >= thr_0[k]} (a copy). */
    public float[] zeroTargetThresholds() {
        return java.util.Arrays.copyOfRange(thresholds, 1, m);
    }

    /** thr_0 then thr_1, {@link #stride()} apart. */
    public float[] thresholds() {
        return thresholds;
    }

    public int stride() {
        return m + 1;
    }

    /** The bin of logit x with hard target t (0 or 1), as the hot loops compute it. */
    public int of(float x, float t) {
        int flip = (Float.floatToRawIntBits(t) >>> 23) & 1;
        int sBits = Float.floatToRawIntBits(x) ^ (flip << 31);
        float s = Float.intBitsToFloat(sBits);
        int k = bucket[sBits >>> 16];
        if (k >= AMBIGUOUS) {
            k -= AMBIGUOUS;
            int off = flip * (m + 1) + 1;
            while (s >= thresholds[off + k]) {
                k++;
            }
        }
        return k;
    }

    private int binOf(float s, int flip) {
        int lo = 0;
        int hi = m - 1;
        int off = flip * (m + 1);
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (s >= thresholds[off + mid]) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The smallest float32 s (s = x for flip 0, -x for flip 1) with referenceG >= edge. */
    private static float firstAtOrAbove(float edge, int flip) {
        int lo = order(-Float.MAX_VALUE);
        int hi = order(Float.MAX_VALUE);
        while (lo < hi) {
            int mid = (int) (((long) lo + hi) >> 1);
            float s = unorder(mid);
            double g = flip == 0 ? referenceG(s, 0f) : referenceG(-s, 1f);
            if (g >= edge) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return unorder(lo);
    }

    /** Float bits to an int that orders like the float (finite values). */
    private static int order(float f) {
        int b = Float.floatToRawIntBits(f);
        return b >= 0 ? b : 0x80000000 - b;
    }

    private static float unorder(int o) {
        return Float.intBitsToFloat(o >= 0 ? o : 0x80000000 - o);
    }
}
