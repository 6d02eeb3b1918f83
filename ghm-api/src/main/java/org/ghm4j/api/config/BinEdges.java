package org.ghm4j.api.config;

/**
 * The float32 bin edges of GHM-1.2: e_k = float32(k) / float32(M) for k < M, and e_M the
 * {@link TopEdge}. Element g is in bin k when e_k <= g < e_{k+1}.
 */
public final class BinEdges {
    private final float[] edges;
    private final int bins;

    BinEdges(int bins, TopEdge top) {
        this.bins = bins;
        this.edges = new float[bins + 1];
        for (int k = 0; k < bins; k++) {
            edges[k] = (float) k / (float) bins;
        }
        edges[bins] = top.value();
    }

    public int bins() {
        return bins;
    }

    /** Edge k, 0 <= k <= M. */
    public float edge(int k) {
        return edges[k];
    }

    /** All M + 1 edges (a copy). */
    public float[] toArray() {
        return edges.clone();
    }

    /**
     * The bin of g, or -1 when g is outside [0, e_M) or NaN. Starts from floor(g * M) and moves
     * to the neighbour when the float32 edge comparison disagrees, so it equals the edge
     * comparison for every g.
     */
    public int binOf(double g) {
        if (!(g >= 0.0) || !(g < edges[bins])) {
            return -1;
        }
        int k = (int) (g * bins);
        if (k >= bins) {
            k = bins - 1;
        }
        while (k > 0 && g < edges[k]) {
            k--;
        }
        while (k < bins - 1 && g >= edges[k + 1]) {
            k++;
        }
        return k;
    }
}
