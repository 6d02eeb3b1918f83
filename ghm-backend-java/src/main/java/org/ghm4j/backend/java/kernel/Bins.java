package org.ghm4j.backend.java.kernel;

import org.ghm4j.api.config.BinEdges;

/**
 * Bin lookup of GHM-1.2 for the hot loops: floor(g * M) corrected against the float32 edges
 * (widened to double), so the result equals the edge comparison for every g.
 */
public final class Bins {
    private final double[] edges;
    private final int m;

    public Bins(BinEdges binEdges) {
        m = binEdges.bins();
        edges = new double[m + 1];
        for (int k = 0; k <= m; k++) {
            edges[k] = binEdges.edge(k);
        }
    }

    public int bins() {
        return m;
    }

    /** The last edge e_M. */
    public double top() {
        return edges[m];
    }

    /**
     * True when g lies within {@code tol} of an edge of bin k, where an approximate g may fall on the
     * wrong side.
     */
    public boolean nearEdge(double g, int k, double tol) {
        return g - edges[k] < tol || edges[k + 1] - g < tol;
    }

    /** The bin of g, for 0 <= g < e_M (callers check the range). */
    public int of(double g) {
        int k = (int) (g * m);
        if (k >= m) {
            k = m - 1;
        }
        while (g < edges[k]) {
            k--;
        }
        while (k < m - 1 && g >= edges[k + 1]) {
            k++;
        }
        return k;
    }
}
