package org.ghm4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ghm4j.api.error.ShapeMismatchException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Values and finite-difference gradients of the baseline DL4J losses. */
class LossFunctionsTest {

    @BeforeAll
    static void quiet() {
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
    }

    private static INDArray d(double[][] v) {
        return Nd4j.create(v).castTo(DataType.DOUBLE);
    }

    @Test
    void focalValueMatchesTheFormulaAndDividesByPositives() {
        double x0 = 0.3;
        double x1 = -1.2;
        INDArray x = d(new double[][] {{x0, x1}});
        INDArray t = d(new double[][] {{1, 0}});
        double p0 = 1 / (1 + Math.exp(-x0));
        double p1 = 1 / (1 + Math.exp(-x1));
        double l0 = 0.25 * Math.pow(1 - p0, 2) * -Math.log(p0);
        double l1 = 0.75 * Math.pow(p1, 2) * -Math.log(1 - p1);
        double score = new LossSigmoidFocal().computeScore(t, x, Activation.IDENTITY.getActivationFunction(), null, false);
        assertEquals(l0 + l1, score, 1e-12);
        // two positives: divided by 2; weight 0 removes an element and its positive
        INDArray t2 = d(new double[][] {{1, 1}});
        double l1pos = 0.25 * Math.pow(1 - p1, 2) * -Math.log(p1);
        assertEquals((l0 + l1pos) / 2, new LossSigmoidFocal().computeScore(t2, x,
                Activation.IDENTITY.getActivationFunction(), null, false), 1e-12);
        INDArray w = d(new double[][] {{1, 0}});
        assertEquals(l0, new LossSigmoidFocal().computeScore(t2, x, Activation.IDENTITY.getActivationFunction(), w,
                false), 1e-12);
    }

    @Test
    void bceAndSmoothL1Values() {
        INDArray x = d(new double[][] {{2.0, -0.5}, {0.0, 0.05}});
        INDArray t = d(new double[][] {{1, 0}, {0, 0}});
        double bce = Math.log1p(Math.exp(-2.0)) + Math.log1p(Math.exp(-0.5)) + Math.log(2) + Math.log1p(Math.exp(0.05));
        assertEquals(bce / 1, new LossSigmoidBce().computeScore(t, x, Activation.IDENTITY.getActivationFunction(), null,
                false), 1e-12);
        // smooth L1, beta 0.11: |2 - 1| = 1 -> 0.945; |-0.5| -> 0.445; 0 -> 0; |0.05| -> 0.5 * 0.0025 / 0.11
        double sum = 0.945 + 0.445 + 0 + 0.5 * 0.0025 / 0.11;
        // 4 nonzero weights / 4 coordinates = 1 positive anchor
        assertEquals(sum, new LossSmoothL1().computeScore(t, x, Activation.IDENTITY.getActivationFunction(), null,
                false), 1e-12);
        // per-example mask [N, 1]: row 1 off -> 2 weights -> max(1, 0.5) = 1
        INDArray m = d(new double[][] {{1}, {0}});
        assertEquals(0.945 + 0.445, new LossSmoothL1().computeScore(t, x, Activation.IDENTITY.getActivationFunction(), m,
                false), 1e-12);
        // average divides by the minibatch size
        assertEquals(sum / 2, new LossSmoothL1().computeScore(t, x, Activation.IDENTITY.getActivationFunction(), null,
                true), 1e-12);
    }

    @Test
    void scoreArraySumsToTheScore() {
        SplittableRandom r = new SplittableRandom(3);
        INDArray x = random(r, 4, 6, 3);
        INDArray t = labels(r, 4, 6);
        INDArray w = weights(r, 4, 6);
        for (WeightedElementLoss loss : losses()) {
            IActivation id = Activation.IDENTITY.getActivationFunction();
            double score = loss.computeScore(t, x, id, w, false);
            INDArray rows = loss.computeScoreArray(t, x, id, w);
            assertArrayEquals(new long[] {4, 1}, rows.shape());
            assertEquals(score, rows.sumNumber().doubleValue(), 1e-12, loss.name());
            assertEquals(score, loss.computeGradientAndScore(t, x, id, w, false).getFirst(), 1e-12, loss.name());
        }
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(11);
        for (Activation act : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
            IActivation f = act.getActivationFunction();
            for (WeightedElementLoss loss : losses()) {
                INDArray z = random(r, 3, 5, 2.5);
                INDArray t = loss instanceof LossSmoothL1 ? random(r, 3, 5, 1) : labels(r, 3, 5);
                INDArray w = weights(r, 3, 5);
                INDArray g = loss.computeGradient(t, z, f, w);
                double h = 1e-6;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        INDArray zp = z.dup();
                        zp.putScalar(i, j, z.getDouble(i, j) + h);
                        INDArray zm = z.dup();
                        zm.putScalar(i, j, z.getDouble(i, j) - h);
                        double num = (loss.computeScore(t, zp, f, w, false) - loss.computeScore(t, zm, f, w, false)) / (2 * h);
                        assertEquals(num, g.getDouble(i, j), 1e-6 * Math.max(1, Math.abs(num)),
                                loss.name() + " " + act + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void badMaskShapeIsRefusedWithItsId() {
        INDArray x = d(new double[][] {{1, 2, 3}});
        INDArray t = d(new double[][] {{1, 0, 0}});
        INDArray m = d(new double[][] {{1, 0}});
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> new LossSigmoidFocal()
                .computeScore(t, x, Activation.IDENTITY.getActivationFunction(), m, false));
        assertTrue(e.getMessage().startsWith("[GHM-INPUT-SHAPE]"), e.getMessage());
    }

    private static WeightedElementLoss[] losses() {
        return new WeightedElementLoss[] {new LossSigmoidFocal(), new LossSigmoidBce(), new LossSmoothL1(0.11, 1)};
    }

    private static INDArray random(SplittableRandom r, int n, int c, double scale) {
        double[][] v = new double[n][c];
        for (double[] row : v) {
            for (int j = 0; j < c; j++) {
                double s;
                do {
                    s = (r.nextDouble() * 2 - 1) * scale;
                } while (Math.abs(Math.abs(s) - 0.11) < 1e-3); // away from smooth L1's kink
                row[j] = s;
            }
        }
        return d(v);
    }

    private static INDArray labels(SplittableRandom r, int n, int c) {
        double[][] v = new double[n][c];
        for (double[] row : v) {
            row[r.nextInt(c)] = 1;
        }
        return d(v);
    }

    private static INDArray weights(SplittableRandom r, int n, int c) {
        double[][] v = new double[n][c];
        for (double[] row : v) {
            for (int j = 0; j < c; j++) {
                row[j] = r.nextDouble() < 0.2 ? 0 : 1;
            }
        }
        return d(v);
    }
}
