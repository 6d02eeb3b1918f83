package org.ghm4j.backend.nd4j;

import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.error.InvalidInputException;

/** Small numeric helpers shared by the kernels. */
final class Kernels {
    private Kernels() {
    }

    /** The float32 edges of GHM-1.2 widened to float64 (D-3). */
    static double[] edges(float[] edges32) {
        double[] e = new double[edges32.length];
        for (int k = 0; k < e.length; k++) {
            e[k] = edges32[k];
        }
        return e;
    }

    /**
     * The bin of {@code g} for the edges e (length M + 1): starts from floor(g * M) and moves to the
     * neighbour while the edge comparison e_k <= g < e_{k+1} disagrees, so it equals the comparison
     * for every g (the semantics of {@code BinEdges.binOf}). The caller guarantees 0 <= g < e_M.
     */
    static int bin(double g, double[] edges, int m) {
        int k = (int) (g * m);
        if (k >= m) {
            k = m - 1;
        }
        while (k > 0 && g < edges[k]) {
            k--;
        }
        while (k < m - 1 && g >= edges[k + 1]) {
            k++;
        }
        return k;
    }

    /** log(1 + e) for e in [0, 1], accurate to a few ulps without {@code Math.log1p}. */
    static double log1pSmall(double e) {
        return e < 1e-4 ? e * (1.0 - e * (0.5 - e * (1.0 / 3.0))) : Math.log(1.0 + e);
    }

    static boolean finite(double v) {
        return Math.abs(v) <= Double.MAX_VALUE;
    }

    /** Records element {@code i} of argument {@code arg} as bad in chunk {@code c}'s slot, unless one is already recorded. */
    static void bad(Scratch s, int c, int arguments, int arg, int i, double value) {
        int j = c * arguments + arg;
        if (s.badIndex[j] < 0) {
            s.badIndex[j] = i;
            s.badValue[j] = value;
        }
    }

    /** What an argument may hold, for the error message. */
    record Check(String name, int[] shape, String allowed, String rule) {
    }

    /**
     * Throws the error of the first checked argument (in {@code checks} order) that has a bad
     * element, naming its first bad index (the chunks are in index order); returns when none has.
     */
    static void throwFirstBad(Scratch s, int chunks, Check[] checks) {
        int a = checks.length;
        for (int arg = 0; arg < a; arg++) {
            for (int c = 0; c < chunks; c++) {
                int idx = s.badIndex[c * a + arg];
                if (idx >= 0) {
                    throw error(checks[arg], idx, s.badValue[c * a + arg]);
                }
            }
        }
    }

    static InvalidInputException error(Check check, int index, double value) {
        if (!finite(value)) {
            return InputErrors.nonFinite(check.name(), check.shape(), index, value);
        }
        return InputErrors.outOfRange(check.name(), check.shape(), index, value, check.allowed(), check.rule());
    }
}
