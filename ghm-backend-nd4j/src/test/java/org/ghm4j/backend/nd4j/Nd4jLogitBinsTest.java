package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.BinEdges;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.backend.java.kernel.LogitBins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHM-1.2 and D-3 for GHM-C from logits: at the float32 neighbours of every logit where
 * g = |sigmoid(x) - t| crosses an edge, the loss counts each bin exactly as the edge comparison of
 * g computed in float64 with {@link StrictMath#exp}. Hard targets exercise the block path's
 * threshold tables ({@link LogitBins#thresholds()}: the logit is the threshold for t = 0 and minus
 * it for t = 1); soft targets exercise the element path's recheck near an edge; float64 arrays the
 * element path throughout. Enough rows for several chunks, on two threads.
 */
class Nd4jLogitBinsTest {
    private static final Nd4jBackend BACKEND = new Nd4jBackend(2);
    /** Neighbours per probe: 3 floats below, the probe, 3 above (one row each). */
    private static final int COLS = 7;
    /** Copies of the probe rows, so that the input spans more than one 64k chunk. */
    private static final int TILES = 40;

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    /** g of D-3 by the definition: p = sigmoid(x) in float64 from StrictMath.exp, g = |p - t|. */
    static double referenceG(float x, float t) {
        double xd = x;
        double p = xd >= 0 ? 1.0 / (1.0 + StrictMath.exp(-xd)) : StrictMath.exp(xd) / (1.0 + StrictMath.exp(xd));
        return Math.abs(p - t);
    }

    /** The bin of g by the float32 edges of GHM-1.2 (last edge 1 + 1e-6). */
    static int referenceBin(BinEdges edges, double g) {
        for (int k = 0; k < edges.bins(); k++) {
            if (edges.edge(k) <= g && g < edges.edge(k + 1)) {
                return k;
            }
        }
        throw new AssertionError("g outside [0, last edge): " + g);
    }

    /** Adds a row: the COLS float32 values around {@code centre}, as logits with target t. */
    static void row(List<float[]> xs, List<float[]> ts, float centre, float t) {
        float[] x = new float[COLS];
        float[] y = new float[COLS];
        float v = Math.nextDown(Math.nextDown(Math.nextDown(centre)));
        for (int j = 0; j < COLS; j++, v = Math.nextUp(v)) {
            x[j] = v;
            y[j] = t;
        }
        xs.add(x);
        ts.add(y);
    }

    /**
     * Rows of logits and targets: around every finite threshold of both tables with the hard target
     * of its table (t = -0.0 for a few rows, which is 0), then around logit(t +- e_k) for soft
     * targets t, and a row of extreme logits.
     */
    static float[][][] probes(BinEdges edges) {
        LogitBins bins = new LogitBins(edges);
        float[] thr = bins.thresholds();
        List<float[]> xs = new ArrayList<>();
        List<float[]> ts = new ArrayList<>();
        for (int flip = 0; flip < 2; flip++) {
            for (int k = 0; k <= edges.bins(); k++) {
                float c = thr[flip * bins.stride() + k];
                if (Float.isFinite(c)) {
                    row(xs, ts, flip == 0 ? c : -c, flip == 1 ? 1f : (k % 3 == 0 ? -0f : 0f));
                }
            }
        }
        for (float t : new float[] {0.1f, 0.25f, 0.5f, 0.9f}) {
            for (int k = 1; k < edges.bins(); k++) {
                for (int sign = -1; sign <= 1; sign += 2) {
                    double p = t + sign * (double) edges.edge(k);
                    if (p > 0 && p < 1) {
                        row(xs, ts, (float) Math.log(p / (1 - p)), t);
                    }
                }
            }
        }
        xs.add(new float[] {0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 88.5f});
        ts.add(new float[] {1f, 0f, 1f, 0f, 0.5f, 1f, 0f});
        return new float[][][] {xs.toArray(new float[0][]), ts.toArray(new float[0][])};
    }

    static INDArray matrix(float[][] rows, DataType type) {
        int r = rows.length;
        float[] flat = new float[r * TILES * COLS];
        for (int tile = 0; tile < TILES; tile++) {
            for (int i = 0; i < r; i++) {
                System.arraycopy(rows[i], 0, flat, (tile * r + i) * COLS, COLS);
            }
        }
        INDArray a = Nd4j.create(flat, new long[] {(long) r * TILES, COLS}, 'c');
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    @ParameterizedTest(name = "M={0}")
    @ValueSource(ints = {10, 30})
    @DisplayName("GHM-1.2 logits at the float32 neighbours of every bin threshold count as the StrictMath reference")
    void neighboursOfEveryThresholdCountAsTheReference(int m) {
        GhmcConfig config = GhmcConfig.builder().bins(m).momentum(0).build();
        BinEdges edges = config.estimatorConfig().edges();
        float[][][] p = probes(edges);
        float[][] x = p[0];
        float[][] t = p[1];
        int rows = x.length * TILES;
        // row weights: every 5th row invalid; element weights: every 7th element invalid, some 2.5
        float[] rowWeight = new float[rows];
        float[] elementWeight = new float[rows * COLS];
        long[] all = new long[m];
        long[] byRow = new long[m];
        long[] byElement = new long[m];
        for (int r = 0; r < rows; r++) {
            rowWeight[r] = r % 5 == 4 ? 0f : (r % 2 == 0 ? 1f : 2.5f);
            for (int j = 0; j < COLS; j++) {
                float xi = x[r % x.length][j];
                float ti = t[r % x.length][j];
                int i = r * COLS + j;
                elementWeight[i] = i % 7 == 3 ? 0f : (i % 3 == 0 ? 2.5f : 1f);
                assertEquals(referenceG(xi, ti), LogitBins.referenceG(xi, ti), 0.0, "LogitBins.referenceG at " + xi);
                int k = referenceBin(edges, referenceG(xi, ti));
                all[k]++;
                if (rowWeight[r] > 0f) {
                    byRow[k]++;
                }
                if (elementWeight[i] > 0f) {
                    byElement[k]++;
                }
            }
        }
        HarmonizedLoss loss = BACKEND.loss(config);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Nd4jTensor pred = Nd4jTensor.of(matrix(x, type));
            Nd4jTensor target = Nd4jTensor.of(matrix(t, type));
            String where = "M=" + m + ", " + type;
            LossOutput out = new LossOutput();
            loss.compute(LossInput.of(pred, target), out);
            assertArrayEquals(all, out.stats().counts(), where + ", no weights");
            INDArray rw = Nd4j.create(rowWeight, new long[] {rows}, 'c').castTo(type);
            loss.compute(LossInput.of(pred, target, Nd4jTensor.of(rw)), out);
            assertArrayEquals(byRow, out.stats().counts(), where + ", row weights");
            INDArray ew = Nd4j.create(elementWeight, new long[] {rows, COLS}, 'c').castTo(type);
            loss.compute(LossInput.of(pred, target, Nd4jTensor.of(ew)), out);
            assertArrayEquals(byElement, out.stats().counts(), where + ", element weights");
        }
    }
}
