package org.ghm4j.backend.java.kernel;

import org.ghm4j.api.config.BinEdges;

/**
 * GHM-R bins (GHM-4.2, GHM-1.2) read from a = |x - t| in float32, without computing g. The function
 * g(a) = a / sqrt(a^2 + mu^2) rises with a and crosses the inner edge e_k (k = 1 .. M-1) at
 * A_k = e_k sqrt(mu^2 / (1 - e_k^2)). With float32 bounds lo_k <= A_k (1 - 2^-18) and
 * hi_k >= A_k (1 + 2^-18):
 * <ul>
 *   <li>a >= hi_k means the reference g (float64 from the float32 inputs, D-3) is >= e_k;</li>
 *   <li>a < lo_k means it is < e_k;</li>
 *   <li>for a in [lo_k, hi_k) the bin is taken from the reference g ({@link #slot}).</li>
 * </ul>
 * The margin 2^-18 covers the float32 rounding of x - t (2^-24 relative), the float64 rounding of g
 * (a few 2^-53) and of A_k, since g's relative change is (1 - g^2) times a's and 1 - e_k^2 >= 1/M.
 * So the bin from (lo, hi) equals the edge comparison for every input. Used only when every bound
 * is a normal float32 in [1e-30, 1e30] (a float32 |x - t| below 1e-30 is then in bin 0 however it
 * rounds) and M <= {@link #MAX_BINS}: each inner edge costs two comparisons per element.
 */
public final class DeltaBins {
    /** The most bins the threshold kernels take. */
    public static final int MAX_BINS = 32;
    private static final double MARGIN = 0x1p-18;

    private final Bins bins;
    private final double mu2;
    final float[] hi;
    /** The bits of lo and hi: for non-negative floats, a < b exactly when bits(a) < bits(b). */
    final int[] loBits;
    final int[] hiBits;

    private DeltaBins(Bins bins, double mu2, float[] lo, float[] hi) {
        this.bins = bins;
        this.mu2 = mu2;
        this.hi = hi;
        this.loBits = new int[lo.length];
        this.hiBits = new int[hi.length];
        for (int k = 0; k < hi.length; k++) {
            loBits[k] = Float.floatToRawIntBits(lo[k]);
            hiBits[k] = Float.floatToRawIntBits(hi[k]);
        }
    }

    /**
     * The bounds for these edges and mu^2 (the float64 value g uses), or null when the kernels cannot
     * use them (more than {@link #MAX_BINS} bins, or mu so small or large that a bound leaves
     * [1e-30, 1e30]).
     */
    public static DeltaBins of(BinEdges edges, double mu2) {
        int m = edges.bins();
        if (m > MAX_BINS || !(mu2 > 0)) {
            return null;
        }
        float[] lo = new float[m - 1];
        float[] hi = new float[m - 1];
        for (int k = 1; k < m; k++) {
            double e = edges.edge(k);
            double a = e * Math.sqrt(mu2 / (1.0 - e * e));
            lo[k - 1] = Math.nextDown((float) (a * (1.0 - MARGIN)));
            hi[k - 1] = Math.nextUp((float) (a * (1.0 + MARGIN)));
            if (!(lo[k - 1] >= 1e-30f && hi[k - 1] <= 1e30f)) {
                return null;
            }
        }
        return new DeltaBins(new Bins(edges), mu2, lo, hi);
    }

    /** The number of inner edges, M - 1. */
    public int innerEdges() {
        return hi.length;
    }

    /**
     * The slot of one well-formed element by the reference: 0 when w == 0, else 1 + the bin of
     * g = |d| / sqrt(d^2 + mu^2), d = (double) x - t.
     */
    public int slot(float x, float t, float w) {
        if (w == 0f) {
            return 0;
        }
        double d = (double) x - t;
        return 1 + bins.of(Math.abs(d) / Math.sqrt(d * d + mu2));
    }
}
