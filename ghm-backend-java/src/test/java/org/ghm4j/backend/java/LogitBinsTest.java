package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.BinEdges;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.LogitBins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GHM-1.2 for logits: at the float32 neighbours of every logit where g = |sigmoid(x) - t| crosses an
 * edge, the bin equals the edge comparison of the float64 reference g (D-3), on the lookup itself and
 * through the loss (block path and element path).
 */
class LogitBinsTest {

    private static int byDefinition(BinEdges edges, float x, float t) {
        double g = LogitBins.referenceG(x, t);
        int m = edges.bins();
        for (int k = 0; k < m; k++) {
            if (edges.edge(k) <= g && g < edges.edge(k + 1)) {
                return k;
            }
        }
        throw new AssertionError("g out of range: " + g);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 10, 30, 1000})
    void neighboursOfEveryThreshold(int m) {
        BinEdges edges = GhmcConfig.builder().bins(m).build().estimatorConfig().edges();
        LogitBins bins = new LogitBins(edges);
        float[] thr = bins.thresholds();
        int probes = 2 * (m + 1) * 7 + 6;
        float[] x = new float[probes];
        float[] t = new float[probes];
        int n = 0;
        for (int flip = 0; flip < 2; flip++) {
            for (int k = 0; k <= m; k++) {
                float c = thr[flip * bins.stride() + k];
                if (!Float.isFinite(c)) {
                    continue;
                }
                float v = Math.nextDown(Math.nextDown(Math.nextDown(c)));
                for (int j = 0; j < 7; j++, v = Math.nextUp(v)) {
                    x[n] = flip == 0 ? v : -v;
                    t[n++] = flip;
                }
            }
        }
        float[] extremes = {0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (float e : extremes) {
            x[n] = e;
            t[n++] = n % 2;
        }
        long[] wantCounts = new long[m];
        for (int i = 0; i < n; i++) {
            int want = byDefinition(edges, x[i], t[i]);
            assertEquals(want, bins.of(x[i], t[i]), "x=" + x[i] + " t=" + t[i] + " M=" + m);
            wantCounts[want]++;
        }
        try (JavaBackend backend = new JavaBackend()) {
            for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.NONE}) {
                HarmonizedLoss loss = backend.loss(GhmcConfig.builder().bins(m).momentum(0).reduction(reduction).build());
                LossOutput out = new LossOutput();
                loss.compute(LossInput.of(Tensor.of(java.util.Arrays.copyOf(x, n), n),
                        Tensor.of(java.util.Arrays.copyOf(t, n), n), null), out);
                assertArrayEquals(wantCounts, out.stats().counts(), "counts, M=" + m + ", " + reduction);
            }
        }
    }
}
