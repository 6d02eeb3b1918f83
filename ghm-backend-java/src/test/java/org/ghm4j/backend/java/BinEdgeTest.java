package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.BinEdges;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.TopEdge;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Bins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GHM-1.2: the bin of every float32 neighbour of every edge equals the edge comparison. */
class BinEdgeTest {

    /** The definition: e_k <= g < e_{k+1}, by linear scan over float32 edges. */
    private static int byDefinition(float[] edges, double g) {
        for (int k = 0; k < edges.length - 1; k++) {
            if (edges[k] <= g && g < edges[k + 1]) {
                return k;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @CsvSource({"10, GHMC", "30, GHMC", "10, GHMR", "30, GHMR", "30, UNIT", "1, GHMC", "1000, GHMC", "7, GHMR"})
    void neighboursOfEveryEdge(int m, TopEdge top) {
        EstimatorConfig config = new EstimatorConfig(m, 0.0, DensityMode.HARMONIZED, top, TotRule.VALID_COUNT);
        BinEdges edges = config.edges();
        float[] e = edges.toArray();
        Bins bins = new Bins(edges);
        int probes = 0;
        float[] g = new float[6 * (m + 1)];
        int[] expected = new int[g.length];
        for (int k = 0; k <= m; k++) {
            float[] near = {Math.nextDown(Math.nextDown(e[k])), Math.nextDown(e[k]), e[k], Math.nextUp(e[k]),
                    Math.nextUp(Math.nextUp(e[k])), (float) (k + 0.5f) / m};
            for (float v : near) {
                if (v < 0f || !(v < e[m])) {
                    continue;
                }
                int want = byDefinition(e, v);
                assertEquals(want, bins.of(v), "float g=" + v + " near edge " + k + " of M=" + m);
                assertEquals(want, edges.binOf(v), "BinEdges.binOf g=" + v);
                double below = Math.nextDown((double) e[k]);
                if (below >= 0) {
                    assertEquals(byDefinition(e, below), bins.of(below), "double g=" + below);
                }
                g[probes] = v;
                expected[probes++] = want;
            }
        }
        // the same probes through the public estimator: counts per bin are exact
        long[] wantCounts = new long[m];
        for (int i = 0; i < probes; i++) {
            wantCounts[expected[i]]++;
        }
        float[] exactG = java.util.Arrays.copyOf(g, probes);
        try (JavaBackend backend = new JavaBackend()) {
            BinStats stats = new BinStats();
            backend.estimator(config).estimate(Tensor.of(exactG, probes), null, Tensor.of(new float[probes], probes),
                    stats, StateUpdate.COMMIT);
            assertArrayEquals(wantCounts, stats.counts());
        }
    }
}
