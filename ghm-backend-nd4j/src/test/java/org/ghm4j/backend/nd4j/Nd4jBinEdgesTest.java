package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.BinEdges;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.TopEdge;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHM-1.2: every float32 edge of M = 10 and 30 (and of other M), its float32 neighbours
 * (Math.nextUp / nextDown) and its float64 neighbours bin exactly as {@link BinEdges#binOf}, both
 * in the kernel and through the estimator's counts on native float32 and float64 arrays.
 */
class Nd4jBinEdgesTest {
    private static final Nd4jBackend BACKEND = new Nd4jBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    /** Each edge, its float32 and float64 neighbours, inside [0, top). */
    static double[] edgeNeighbours(BinEdges edges) {
        List<Double> v = new ArrayList<>();
        float top = edges.edge(edges.bins());
        for (int k = 0; k <= edges.bins(); k++) {
            float e = edges.edge(k);
            double[] candidates = {e, Math.nextUp(e), Math.nextDown(e), Math.nextUp((double) e),
                Math.nextDown((double) e), Math.nextUp(Math.nextUp(e)), Math.nextDown(Math.nextDown(e))};
            for (double c : candidates) {
                if (c >= 0.0 && c < top) {
                    v.add(c);
                }
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @ParameterizedTest(name = "M={0} top={1}")
    @CsvSource({"10,GHMC", "30,GHMC", "10,GHMR", "30,UNIT", "7,GHMC", "1000,GHMC", "1,GHMC", "3,UNIT"})
    @DisplayName("GHM-1.2 the neighbours of every edge bin as the float32 edge comparison")
    void neighboursOfEveryEdgeBinAsTheEdgeComparison(int m, TopEdge top) {
        EstimatorConfig config = new EstimatorConfig(m, 0.0, DensityMode.HARMONIZED, top, TotRule.VALID_COUNT);
        BinEdges edges = config.edges();
        double[] widened = Kernels.edges(edges.toArray());
        double[] g = edgeNeighbours(edges);
        long[] expected = new long[m];
        for (double x : g) {
            int k = edges.binOf(x);
            assertEquals(k, Kernels.bin(x, widened, m), "kernel bin of " + x + " (bits " + Double.doubleToRawLongBits(x) + ")");
            expected[k]++;
        }
        // through the estimator, float64 array: every value exactly
        BinStats stats = new BinStats();
        var est = BACKEND.estimator(config);
        Tensor g64 = Nd4jTensor.of(Nd4j.createFromArray(g));
        est.estimate(g64, null, Tensor.zeros(g64.dtype(), g.length), stats, StateUpdate.COMMIT);
        assertArrayEquals(expected, stats.counts(), "counts from float64 g");

        // float32 array: the float32 values only
        List<Float> fl = new ArrayList<>();
        for (double x : g) {
            if ((float) x == x) {
                fl.add((float) x);
            }
        }
        float[] g32 = new float[fl.size()];
        long[] expected32 = new long[m];
        for (int i = 0; i < g32.length; i++) {
            g32[i] = fl.get(i);
            expected32[edges.binOf(g32[i])]++;
        }
        est.estimate(Nd4jTensor.of(Nd4j.createFromArray(g32)), null, Tensor.zeros(g64.dtype(), g32.length), stats,
                StateUpdate.COMMIT);
        assertArrayEquals(expected32, stats.counts(), "counts from float32 g");
    }
}
