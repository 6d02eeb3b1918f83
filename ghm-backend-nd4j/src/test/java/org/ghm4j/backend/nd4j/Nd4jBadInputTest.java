package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GHM-6 and GHM-5.3: bad input is refused with the argument, first bad index and value; the state stays. */
class Nd4jBadInputTest {
    private static final Nd4jBackend BACKEND = new Nd4jBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    static Nd4jTensor t(float[] values, long... shape) {
        return Nd4jTensor.of(Nd4j.create(values, shape, 'c'));
    }

    static float[] fill(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** A loss that has already committed one call, so that its state is not zero. */
    static HarmonizedLoss warmed(LossConfig config, int rows, int cols) {
        HarmonizedLoss loss = BACKEND.loss(config);
        float[] p = new float[rows * cols];
        float[] y = new float[rows * cols];
        for (int i = 0; i < p.length; i++) {
            p[i] = config instanceof CategoricalConfig ? 1f / cols : (i % 7) * 0.1f;
            y[i] = i % cols == 0 ? 1f : 0f;
        }
        loss.compute(LossInput.of(t(p, rows, cols), t(y, rows, cols)));
        return loss;
    }

    static InvalidInputException refused(HarmonizedLoss loss, LossInput input) {
        DensityState before = loss.snapshot();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> loss.compute(input, new LossOutput(), StateUpdate.COMMIT));
        assertEquals(before, loss.snapshot(), "GHM-5.3: state unchanged after " + e.getMessage());
        return e;
    }

    @Test
    @DisplayName("GHM-6.1 NaN logit: argument, first bad index, value")
    void nanLogitNamesArgumentIndexAndValue() {
        HarmonizedLoss loss = warmed(GhmcConfig.mmdetection(), 3, 4);
        float[] x = fill(12, 0.5f);
        x[5] = Float.NaN;
        x[9] = Float.POSITIVE_INFINITY;
        InvalidInputException e = refused(loss, LossInput.of(t(x, 3, 4), t(fill(12, 0f), 3, 4)));
        assertEquals(ErrorId.INPUT_NONFINITE, e.errorId());
        assertEquals("[GHM-INPUT-NONFINITE] pred[1, 1] (flat index 5 of shape [3, 4]) is NaN; every element must be "
                + "finite (GHM-6.1)", e.getMessage());
    }

    @Test
    @DisplayName("GHM-6.1 the first bad element wins across chunks (multi-chunk input)")
    void firstBadElementAcrossChunks() {
        HarmonizedLoss loss = warmed(GhmrConfig.retinanet(), 4, 4);
        int n = 300_000;
        float[] x = fill(n, 0.1f);
        float[] y = fill(n, 0.2f);
        x[250_001] = Float.NEGATIVE_INFINITY;
        y[131_073] = Float.NaN;
        InvalidInputException e = refused(loss, LossInput.of(t(x, n / 4, 4), t(y, n / 4, 4)));
        assertEquals("[GHM-INPUT-NONFINITE] target[32768, 1] (flat index 131073 of shape [75000, 4]) is NaN; every "
                + "element must be finite (GHM-6.1)", e.getMessage());
    }

    @Test
    @DisplayName("GHM-6.3 GHM-C target outside [0, 1]")
    void ghmcTargetOutsideUnitInterval() {
        HarmonizedLoss loss = warmed(GhmcConfig.mmdetection(), 2, 4);
        float[] y = fill(8, 0f);
        y[3] = 1.5f;
        InvalidInputException e = refused(loss, LossInput.of(t(fill(8, 0f), 2, 4), t(y, 2, 4)));
        assertEquals(ErrorId.INPUT_RANGE, e.errorId());
        assertEquals("[GHM-INPUT-RANGE] target[0, 3] (flat index 3 of shape [2, 4]) is 1.5, outside [0, 1] "
                + "(GHM-C targets lie in [0, 1], GHM-6.3)", e.getMessage());
    }

    @Test
    @DisplayName("GHM-6.3 a GHM-C target of -1 is refused, not taken for the hard target 1")
    void minusOneTargetIsRefused() {
        HarmonizedLoss loss = warmed(GhmcConfig.mmdetection(), 2, 4);
        float[] y = fill(8, 0f);
        y[5] = 1f;
        y[6] = -1f;
        InvalidInputException e = refused(loss, LossInput.of(t(fill(8, 0.5f), 2, 4), t(y, 2, 4)));
        assertEquals("[GHM-INPUT-RANGE] target[1, 2] (flat index 6 of shape [2, 4]) is -1.0, outside [0, 1] "
                + "(GHM-C targets lie in [0, 1], GHM-6.3)", e.getMessage());
    }

    @Test
    @DisplayName("GHM-6.1 row weights: pred and target of a row's first element are checked before its weight")
    void rowWeightIsCheckedAtItsRowsFirstElement() {
        HarmonizedLoss loss = warmed(GhmcConfig.mmdetection(), 3, 4);
        float[] w = {1f, Float.NaN, 1f};
        float[] x = fill(12, 0.5f);
        x[4] = Float.NaN;
        InvalidInputException first = refused(loss, LossInput.of(t(x, 3, 4), t(fill(12, 0f), 3, 4), t(w, 3)));
        assertEquals("[GHM-INPUT-NONFINITE] pred[1, 0] (flat index 4 of shape [3, 4]) is NaN; every element must be "
                + "finite (GHM-6.1)", first.getMessage());
        x[4] = 0.5f;
        x[6] = Float.NaN;
        InvalidInputException later = refused(loss, LossInput.of(t(x, 3, 4), t(fill(12, 0f), 3, 4), t(w, 3)));
        assertEquals("[GHM-INPUT-NONFINITE] labelWeight[1] (flat index 1 of shape [3]) is NaN; every element must be "
                + "finite (GHM-6.1)", later.getMessage());
    }

    @Test
    @DisplayName("GHM-6.1 fused GHM-R (float32): row weight checked at its row's first element, also across a block boundary")
    void fusedGhmrChecksRowWeightsInOrder() {
        HarmonizedLoss loss = warmed(GhmrConfig.retinanet(), 4, 3);
        // rows of 3: row 170 holds elements 510, 511 (block 0) and 512 (block 1)
        float[] w = fill(400, 1f);
        w[170] = -1f;
        float[] x = fill(1200, 0.1f);
        x[511] = Float.NaN;
        InvalidInputException weight = refused(loss, LossInput.of(t(x, 400, 3), t(fill(1200, 0f), 400, 3), t(w, 400)));
        assertEquals("[GHM-INPUT-RANGE] labelWeight[170] (flat index 170 of shape [400]) is -1.0, outside [0, +inf) "
                + "(label weights are >= 0, D-7)", weight.getMessage());
        x[510] = Float.POSITIVE_INFINITY;
        InvalidInputException pred = refused(loss, LossInput.of(t(x, 400, 3), t(fill(1200, 0f), 400, 3), t(w, 400)));
        assertEquals("[GHM-INPUT-NONFINITE] pred[170, 0] (flat index 510 of shape [400, 3]) is Infinity; every element "
                + "must be finite (GHM-6.1)", pred.getMessage());
    }

    @Test
    @DisplayName("GHM-6.1, D-7 fused GHM-R (float32) reports the same first bad value as the float64 element path")
    void fusedGhmrReportsTheFirstBadValueAsTheElementPath() {
        java.util.Random r = new java.util.Random(5);
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f};
        for (int trial = 0; trial < 60; trial++) {
            int cols = 3 + trial % 2;
            int rows = 200 + r.nextInt(300);
            int n = rows * cols;
            int weights = trial % 3;  // none, per row, per element
            float[] x = new float[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (r.nextGaussian() * 0.2);
                y[i] = (float) (r.nextGaussian() * 0.2);
            }
            float[] w = weights == 0 ? null : new float[weights == 1 ? rows : n];
            if (w != null) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = r.nextInt(5) == 0 ? 0f : 1f;
                }
            }
            for (int b = 1 + r.nextInt(3); b > 0; b--) {
                int arg = r.nextInt(w == null ? 2 : 3);
                float[] a = arg == 0 ? x : arg == 1 ? y : w;
                // -1 is bad only as a weight
                a[r.nextInt(a.length)] = bad[r.nextInt(arg == 2 ? 4 : 3)];
            }
            long[] wShape = weights == 1 ? new long[] {rows} : new long[] {rows, cols};
            HarmonizedLoss loss = warmed(GhmrConfig.retinanet(), 4, 3);
            InvalidInputException fused = refused(loss, LossInput.of(t(x, rows, cols), t(y, rows, cols),
                    w == null ? null : t(w, wShape)));
            InvalidInputException elements = refused(loss, LossInput.of(f64(x, rows, cols), f64(y, rows, cols),
                    w == null ? null : f64(w, wShape)));
            assertEquals(elements.getMessage(), fused.getMessage(), "trial " + trial);
        }
    }

    static Nd4jTensor f64(float[] values, long... shape) {
        return Nd4jTensor.of(Nd4j.create(values, shape, 'c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
    }

    @Test
    @DisplayName("GHM-6.3 probabilities outside [0, 1]")
    void probabilitiesOutsideUnitInterval() {
        HarmonizedLoss loss = warmed(GhmcConfig.builder().input(InputKind.PROBABILITIES).build(), 2, 2);
        float[] p = {0.5f, -0.25f, 0.5f, 0.5f};
        InvalidInputException e = refused(loss, LossInput.of(t(p, 2, 2), t(fill(4, 0f), 2, 2)));
        assertEquals("[GHM-INPUT-RANGE] pred[0, 1] (flat index 1 of shape [2, 2]) is -0.25, outside [0, 1] "
                + "(probabilities lie in [0, 1], GHM-6.3)", e.getMessage());
    }

    @Test
    @DisplayName("D-7 negative label weight, element and row forms")
    void negativeLabelWeightIsRefused() {
        HarmonizedLoss loss = warmed(GhmcConfig.mmdetection(), 2, 3);
        float[] w = fill(6, 1f);
        w[4] = -1f;
        InvalidInputException e = refused(loss, LossInput.of(t(fill(6, 0f), 2, 3), t(fill(6, 0f), 2, 3), t(w, 2, 3)));
        assertEquals("[GHM-INPUT-RANGE] labelWeight[1, 1] (flat index 4 of shape [2, 3]) is -1.0, outside [0, +inf) "
                + "(label weights are >= 0, D-7)", e.getMessage());
        InvalidInputException rows = refused(loss, LossInput.of(t(fill(6, 0f), 2, 3), t(fill(6, 0f), 2, 3),
                t(new float[] {1f, Float.NaN}, 2)));
        assertEquals("[GHM-INPUT-NONFINITE] labelWeight[1] (flat index 1 of shape [2]) is NaN; every element must be "
                + "finite (GHM-6.1)", rows.getMessage());
    }

    @Test
    @DisplayName("D-9 categorical targets outside [0, 1] and negative row masks")
    void categoricalRangeChecks() {
        HarmonizedLoss loss = warmed(CategoricalConfig.harmonizedCategorical(), 3, 3);
        float[] y = fill(9, 0f);
        y[7] = 2f;
        InvalidInputException e = refused(loss, LossInput.of(t(fill(9, 0.1f), 3, 3), t(y, 3, 3)));
        assertEquals("[GHM-INPUT-RANGE] target[2, 1] (flat index 7 of shape [3, 3]) is 2.0, outside [0, 1] "
                + "(categorical targets lie in [0, 1], D-9)", e.getMessage());
        InvalidInputException mask = refused(loss, LossInput.of(t(fill(9, 0.1f), 3, 3), t(fill(9, 0f), 3, 3),
                t(new float[] {1f, 1f, -2f}, 3)));
        assertEquals("[GHM-INPUT-RANGE] labelWeight[2] (flat index 2 of shape [3]) is -2.0, outside [0, +inf) "
                + "(label weights are >= 0, D-7)", mask.getMessage());
        InvalidInputException shape = refused(loss, LossInput.of(t(fill(9, 0.1f), 3, 3), t(fill(9, 0f), 3, 3),
                t(fill(9, 1f), 3, 3)));
        assertEquals(ErrorId.INPUT_SHAPE, shape.errorId());
        assertEquals("[GHM-INPUT-SHAPE] labelWeight has shape [3, 3] but pred has shape [3, 3]; categorical GHM-C "
                + "takes one weight per row, shape [3] (D-6)", shape.getMessage());
    }

    @Test
    @DisplayName("D-8 estimator refuses g outside [0, last edge)")
    void estimatorRefusesGOutsideRange() {
        var est = BACKEND.estimator(EstimatorConfig.ghmc());
        INDArray g = Nd4j.create(new float[] {0.1f, 0.2f, 1.5f}, new long[] {3}, 'c');
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> est.estimate(Nd4jTensor.of(g),
                null, Tensor.zeros(org.ghm4j.api.tensor.DType.FLOAT32, 3), new BinStats(), StateUpdate.COMMIT));
        assertEquals("[GHM-INPUT-RANGE] gradNorms[2] (flat index 2 of shape [3]) is 1.5, outside [0, 1.000001) (D-8)",
                e.getMessage());
        assertEquals(0, est.snapshot().steps());
    }

    @Test
    @DisplayName("Nd4jTensor refuses data types other than FLOAT and DOUBLE")
    void otherDataTypesAreRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Nd4jTensor.of(Nd4j.create(new int[] {1, 2}, new long[] {2}, org.nd4j.linalg.api.buffer.DataType.INT)));
        assertEquals(ErrorId.INPUT_RANGE, e.errorId());
    }
}
