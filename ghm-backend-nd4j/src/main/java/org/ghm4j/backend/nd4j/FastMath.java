package org.ghm4j.backend.nd4j;

/**
 * exp and log1p for the hot loops, table-driven (Tang's method): {@link Math#exp} and
 * {@link Math#log} cost 10 to 20 ns per call on the 2-core reference machine, which alone would cap
 * GHM-C at well under 100 M elements/s. Relative error below 1e-13 on the accepted ranges (checked
 * against {@link StrictMath} in the tests), far below what the bins (D-3) and GHM-9.3 can see.
 */
final class FastMath {
    private static final int EXP_BITS = 6;
    private static final int EXP_SIZE = 1 << EXP_BITS;
    /** 2^(-j/64), j = 0..63. */
    private static final double[] POW2_NEG = new double[EXP_SIZE];
    private static final double STEPS_PER_UNIT = EXP_SIZE / Math.log(2.0);
    /** ln2 / 64 in two parts: k * STEP_HI is exact for the k that occur (k < 2^16). */
    private static final double STEP_HI;
    private static final double STEP_LO;
    private static final double A_MAX = 708.0;

    private static final int LOG_SIZE = 128;
    /** log(1 + j/128) and 1 / (1 + j/128), j = 0..128. */
    private static final double[] LOG1P_AT = new double[LOG_SIZE + 1];
    private static final double[] INV_1P_AT = new double[LOG_SIZE + 1];

    static {
        for (int j = 0; j < EXP_SIZE; j++) {
            POW2_NEG[j] = StrictMath.pow(2.0, -j / (double) EXP_SIZE);
        }
        double step = Math.log(2.0) / EXP_SIZE;
        STEP_HI = Double.longBitsToDouble(Double.doubleToRawLongBits(step) & 0xFFFFFFFF00000000L);
        STEP_LO = step - STEP_HI;
        for (int j = 0; j <= LOG_SIZE; j++) {
            double c = j / (double) LOG_SIZE;
            LOG1P_AT[j] = StrictMath.log1p(c);
            INV_1P_AT[j] = 1.0 / (1.0 + c);
        }
    }

    private FastMath() {
    }

    /**
     * e^(-a) for a >= 0: with k = round(64 a / ln2) and r = a - k ln2 / 64 (|r| <= ln2 / 128),
     * e^(-a) = 2^(-floor(k/64)) * 2^(-(k mod 64)/64) * e^(-r), the middle factor from a table and
     * e^(-r) by its degree-5 Taylor polynomial. a above 708 is treated as 708 (result ~3e-308).
     */
    static double expNeg(double a) {
        double x = Math.min(a, A_MAX);
        int k = (int) (x * STEPS_PER_UNIT + 0.5);
        double r = (x - k * STEP_HI) - k * STEP_LO;
        double p = 1.0 - r * (1.0 - r * (0.5 - r * (1.0 / 6.0 - r * (1.0 / 24.0 - r * (1.0 / 120.0)))));
        double scale = Double.longBitsToDouble((long) (1023 - (k >> EXP_BITS)) << 52);
        return POW2_NEG[k & (EXP_SIZE - 1)] * scale * p;
    }

    /**
     * log(1 + e) for e in [0, 1]: with c = floor(128 e) / 128, log(1 + e) = log(1 + c) + log1p(v),
     * v = (e - c) / (1 + c) in [0, 1/128), the first from a table and log1p(v) by its degree-7
     * series (relative error below v^7 / 7 < 1e-14). Exact in relative terms for tiny e (then c = 0 and v = e).
     */
    static double log1pUnit(double e) {
        int j = (int) (e * LOG_SIZE);
        double v = (e - j * (1.0 / LOG_SIZE)) * INV_1P_AT[j];
        return LOG1P_AT[j] + v * (1.0 - v * (0.5 - v * (1.0 / 3.0 - v * (0.25 - v * (0.2 - v * (1.0 / 6.0 - v * (1.0 / 7.0)))))));
    }
}
