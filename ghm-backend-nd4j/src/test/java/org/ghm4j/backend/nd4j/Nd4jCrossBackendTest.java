package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.JavaBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHM-7.4: the ND4J backend (INDArray input) and the pure-Java backend (heap input) agree within
 * GHM-9.3 on random batches of many shapes, step after step with momentum: counts exact, state and
 * weights rtol 1e-6, loss rtol 1e-5, gradient atol 1e-5 * max|grad| + rtol 1e-5, element losses
 * (NONE) as the loss.
 */
class Nd4jCrossBackendTest {
    private static final Nd4jBackend ND4J = new Nd4jBackend(2);
    private static final GhmBackend JAVA = new JavaBackend();

    @AfterAll
    static void close() {
        ND4J.close();
        JAVA.close();
    }

    enum Weights { NONE, ELEMENT, ROW }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1}, {7, 3}, {64, 80}, {1000, 5}, {3, 70000}, {40000, 4}, {257, 1}};
        List<LossConfig> configs = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            configs.add(GhmcConfig.builder().reduction(r).build());
            configs.add(GhmcConfig.builder().reduction(r).input(InputKind.PROBABILITIES).bins(10).momentum(0.5).build());
            configs.add(GhmrConfig.builder().reduction(r).momentum(0.7).lossWeight(10).build());
            configs.add(CategoricalConfig.builder().reduction(r).build());
            configs.add(CategoricalConfig.builder().reduction(r).input(InputKind.PROBABILITIES).bins(17).build());
            configs.add(CategoricalConfig.seedCategorical().toBuilder().reduction(r).build());
            configs.add(CategoricalConfig.seedCategorical().toBuilder().reduction(r).input(InputKind.LOGITS).build());
        }
        configs.add(GhmcConfig.builder().momentum(0).bins(1000).build());
        configs.add(GhmrConfig.mmdetection());
        int seed = 0;
        for (LossConfig c : configs) {
            for (int[] shape : shapes) {
                if (c instanceof CategoricalConfig && shape[1] == 1) {
                    continue;
                }
                Weights w = Weights.values()[seed % 3];
                if (c instanceof CategoricalConfig && w == Weights.ELEMENT) {
                    w = Weights.ROW;
                }
                cases.add(Arguments.of(c, shape[0], shape[1], w, seed++));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}] weights={3} seed={4}")
    @MethodSource("cases")
    @DisplayName("GHM-7.4 ND4J and Java backends agree step after step")
    void backendsAgree(LossConfig config, int rows, int cols, Weights weights, int seed) {
        HarmonizedLoss nd = ND4J.loss(config);
        HarmonizedLoss jv = JAVA.loss(config);
        LossOutput ndOut = new LossOutput().withWeights();
        LossOutput jvOut = new LossOutput().withWeights();
        Random random = new Random(seed);
        for (int step = 0; step < 3; step++) {
            float[][] batch = batch(config, rows, cols, weights, random);
            int[] wShape = weights == Weights.ROW ? new int[] {rows} : new int[] {rows, cols};
            LossInput heap = LossInput.of(Tensor.of(batch[0], rows, cols), Tensor.of(batch[1], rows, cols),
                    weights == Weights.NONE ? null : Tensor.of(batch[2], wShape));
            LossInput nat = LossInput.of(nd(batch[0], rows, cols), nd(batch[1], rows, cols),
                    weights == Weights.NONE ? null : nd(batch[2], wShape));
            double a = nd.compute(nat, ndOut);
            double b = jv.compute(heap, jvOut);
            String where = config + " step " + step;
            assertArrayEquals(jvOut.stats().counts(), ndOut.stats().counts(), where + ": counts");
            assertEquals(jvOut.stats().tot(), ndOut.stats().tot(), where + ": tot");
            close(b, a, 0, 1e-5, where + ": loss");
            closeAll(doubles(jvOut.weights()), doubles(ndOut.weights()), 0, 1e-6, where + ": weights");
            double[] g = doubles(jvOut.gradient());
            double max = java.util.Arrays.stream(g).map(Math::abs).max().orElse(0);
            closeAll(g, doubles(ndOut.gradient()), 1e-5 * max, 1e-5, where + ": gradient");
            if (config.reduction() == Reduction.NONE) {
                double[] e = doubles(jvOut.elementLoss());
                double emax = java.util.Arrays.stream(e).map(Math::abs).max().orElse(0);
                closeAll(e, doubles(ndOut.elementLoss()), 1e-6 * emax, 1e-5, where + ": element loss");
            }
            closeAll(jv.snapshot().accumulator(), nd.snapshot().accumulator(), 0, 1e-6, where + ": state");
            assertEquals(jv.snapshot().steps(), nd.snapshot().steps(), where + ": steps");
        }
    }

    static Nd4jTensor nd(float[] a, int... shape) {
        return Nd4jTensor.of(Nd4j.create(a, java.util.Arrays.stream(shape).asLongStream().toArray(), 'c'));
    }

    /** pred, target, weight for a config: logits ~ N(0, 3), probabilities via softmax or sigmoid, rare positives. */
    static float[][] batch(LossConfig config, int rows, int cols, Weights weights, Random r) {
        int n = rows * cols;
        float[] pred = new float[n];
        float[] target = new float[n];
        boolean categorical = config instanceof CategoricalConfig;
        boolean probs = config instanceof GhmcConfig g && g.input() == InputKind.PROBABILITIES
                || config instanceof CategoricalConfig c && c.input() == InputKind.PROBABILITIES;
        for (int i = 0; i < n; i++) {
            pred[i] = (float) (r.nextGaussian() * 3);
        }
        if (config instanceof GhmrConfig) {
            for (int i = 0; i < n; i++) {
                pred[i] = (float) (r.nextGaussian() * 0.2);
                target[i] = (float) (r.nextGaussian() * 0.2);
            }
        } else if (categorical) {
            for (int row = 0; row < rows; row++) {
                int hot = r.nextInt(cols);
                boolean soft = r.nextInt(4) == 0;
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    int i = row * cols + j;
                    target[i] = soft ? (float) r.nextDouble() : (j == hot ? 1f : 0f);
                    sum += target[i];
                }
                if (soft) {
                    for (int j = 0; j < cols; j++) {
                        target[row * cols + j] = (float) Math.min(1.0, target[row * cols + j] / sum);
                    }
                }
                if (probs) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        m = Math.max(m, pred[row * cols + j]);
                    }
                    double z = 0;
                    for (int j = 0; j < cols; j++) {
                        z += Math.exp(pred[row * cols + j] - m);
                    }
                    for (int j = 0; j < cols; j++) {
                        pred[row * cols + j] = (float) Math.min(1.0, Math.exp(pred[row * cols + j] - m) / z);
                    }
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                target[i] = r.nextInt(20) == 0 ? 1f : (r.nextInt(10) == 0 ? (float) r.nextDouble() : 0f);
                if (probs) {
                    pred[i] = (float) (1.0 / (1.0 + Math.exp(-pred[i])));
                }
            }
        }
        float[] weight = new float[weights == Weights.ROW ? rows : n];
        for (int i = 0; i < weight.length; i++) {
            int pick = r.nextInt(10);
            weight[i] = pick == 0 ? 0f : (pick == 1 ? 2.5f : 1f);
        }
        return new float[][] {pred, target, weight};
    }

    static double[] doubles(Tensor t) {
        double[] d = new double[t.length()];
        t.copyTo(d, 0);
        return d;
    }

    static void close(double expected, double actual, double atol, double rtol, String what) {
        if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
            throw new AssertionError(what + ": java " + expected + " nd4j " + actual + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }

    static void closeAll(double[] expected, double[] actual, double atol, double rtol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], atol, rtol, what + " [" + i + "]");
        }
    }
}
