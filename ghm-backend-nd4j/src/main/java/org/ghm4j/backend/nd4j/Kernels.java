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

    /**
     * Records the first bad element of chunk {@code c}: index {@code i} (a row index for row weights)
     * of argument {@code arg}. The kernel stops the chunk right after: later elements cannot be the
     * first bad one.
     */
    static void bad(Scratch s, int c, int arg, int i, double value) {
        s.badIndex[c] = i;
        s.badArg[c] = arg;
        s.badValue[c] = value;
    }

    /** What an argument may hold, for the error message. */
    record Check(String name, int[] shape, String allowed, String rule) {
    }

    /**
     * Throws the error of the first bad element in index order (the first chunk that recorded one;
     * within an element pred, target, weight are checked in that order, a row weight before its
     * row's elements); returns when there is none (GHM-6.1, GHM-6.3).
     */
    static void throwFirstBad(Scratch s, int chunks, Check[] checks) {
        int c = firstBad(s, chunks);
        if (c >= 0) {
            throw error(checks[s.badArg[c]], s.badIndex[c], s.badValue[c]);
        }
    }

    /**
     * The first chunk that recorded a bad element, or -1: a caller builds its {@link Check}s (and
     * calls {@link #throwFirstBad}) only then, so a call without bad input allocates none.
     */
    static int firstBad(Scratch s, int chunks) {
        for (int c = 0; c < chunks; c++) {
            if (s.badIndex[c] >= 0) {
                return c;
            }
        }
        return -1;
    }

    static InvalidInputException error(Check check, int index, double value) {
        if (!finite(value)) {
            return InputErrors.nonFinite(check.name(), check.shape(), index, value);
        }
        return InputErrors.outOfRange(check.name(), check.shape(), index, value, check.allowed(), check.rule());
    }
}
