package org.ghm4j.api.state;

import java.util.Arrays;

/**
 * What one call saw (GHM-1.4): R_k, the valid elements per bin (after any synchronizer), tot,
 * the number of valid elements and n, the number of non-empty bins. A mutable holder that a
 * caller can reuse across calls so that steady-state calls allocate nothing.
 */
public final class BinStats {
    private long[] counts = new long[0];
    private double tot;
    private long valid;
    private int nonEmpty;

    /** R_k of the last call. */
    public long count(int k) {
        return counts[k];
    }

    /** R (a copy), length M. */
    public long[] counts() {
        return counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    /** tot of the last call (GHM-2.3, GHM-3.4, GHM-4.3), after any synchronizer. */
    public double tot() {
        return tot;
    }

    /** Number of valid elements, sum_k R_k. */
    public long valid() {
        return valid;
    }

    /** n, the number of bins with R_k > 0. */
    public int nonEmptyBins() {
        return nonEmpty;
    }

    /** Records a call's values; {@code counts} is copied. For backends. */
    public void set(long[] newCounts, double newTot) {
        if (counts.length != newCounts.length) {
            counts = new long[newCounts.length];
        }
        System.arraycopy(newCounts, 0, counts, 0, newCounts.length);
        tot = newTot;
        long v = 0;
        int n = 0;
        for (long c : newCounts) {
            v += c;
            n += c > 0 ? 1 : 0;
        }
        valid = v;
        nonEmpty = n;
    }

    @Override
    public String toString() {
        return "BinStats[tot=" + tot + " valid=" + valid + " n=" + nonEmpty + " R=" + Arrays.toString(counts) + "]";
    }
}
