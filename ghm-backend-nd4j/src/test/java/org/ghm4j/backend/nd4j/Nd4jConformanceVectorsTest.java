package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every vector of ghmc_mmdet, ghmr_mmdet and ghm_categorical_seed reproduced within GHM-9.3: bins
 * and counts exact, state and weights rtol 1e-6, loss rtol 1e-5 (against loss_legacy_no_eps,
 * GHM-9.2), gradient atol 1e-5 * max|expected| + rtol 1e-5; from float32 and float64 INDArrays and
 * from heap float[] tensors.
 */
class Nd4jConformanceVectorsTest {
    private static final Nd4jBackend BACKEND = new Nd4jBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    enum Form { FLOAT32_INDARRAY, FLOAT64_INDARRAY, HEAP_FLOATS }

    static Stream<Arguments> cases() {
        return Arrays.stream(Vectors.FILES)
                .flatMap(f -> Arrays.stream(Form.values()).map(form -> Arguments.of(f, form)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @DisplayName("GHM-9.1/9.3 conformance vectors")
    void reproducesVector(String file, Form form) {
        JsonNode v = Vectors.load(file);
        String function = v.get("function").asText();
        JsonNode params = v.get("params");
        int[] shape = {v.get("shape").get(0).asInt(), v.get("shape").get(1).asInt()};
        boolean seed = function.equals("ghm_categorical_seed");
        LossConfig config = switch (function) {
            case "ghmc_mmdet" -> new GhmcConfig(params.get("bins").asInt(), params.get("momentum").asDouble(),
                    params.get("loss_weight").asDouble(), Reduction.MEAN, InputKind.LOGITS);
            case "ghmr_mmdet" -> new GhmrConfig(params.get("mu").asDouble(), params.get("bins").asInt(),
                    params.get("momentum").asDouble(), params.get("loss_weight").asDouble(), Reduction.MEAN);
            case "ghm_categorical_seed" -> new CategoricalConfig(params.get("bins").asInt(),
                    params.get("momentum").asDouble(), CategoricalMode.SEED, InputKind.PROBABILITIES,
                    params.get("epsilon").asDouble(), 1.0, Reduction.MEAN);
            default -> throw new AssertionError("unknown function " + function);
        };
        HarmonizedLoss loss = BACKEND.loss(config);
        HarmonizedLoss perRow = seed ? BACKEND.loss(((CategoricalConfig) config).toBuilder()
                .reduction(Reduction.NONE).build()) : null;
        if (v.hasNonNull("initial_state")) {
            double[] s0 = Vectors.flat(v.get("initial_state"));
            loss.restore(new DensityState(config.bins(), config.momentum(),
                    seed ? DensityMode.SEED : DensityMode.HARMONIZED, s0, 0));
        }
        LossOutput out = new LossOutput().withWeights();
        int step = 0;
        for (JsonNode st : v.get("steps")) {
            JsonNode in = st.get("inputs");
            JsonNode ex = st.get("expected");
            String where = file + " step " + step + " " + form;
            LossInput input;
            if (seed) {
                input = LossInput.of(tensor(in.get("y_pred"), shape, form), tensor(in.get("y_true"), shape, form),
                        tensor(in.get("valid_mask"), new int[] {shape[0]}, form));
            } else {
                input = LossInput.of(tensor(in.get("pred"), shape, form), tensor(in.get("target"), shape, form),
                        tensor(in.get("label_weight"), shape, form));
            }
            double[] perRowValues = null;
            if (seed) {
                perRow.restore(loss.snapshot());
                LossOutput none = new LossOutput();
                perRow.compute(input, none, StateUpdate.PREVIEW);
                perRowValues = doubles(none.elementLoss());
            }
            double value = loss.compute(input, out);

            assertArrayEquals(Vectors.longs(ex.get("bin_counts")), out.stats().counts(), where + ": bin counts");
            double[] weights = doubles(out.weights());
            if (seed) {
                close(ex.get("loss_row_mean").asDouble(), value, 0, 1e-5, where + ": loss");
                double[] density = Vectors.flat(ex.get("density"));
                double[] inv = new double[density.length];
                for (int i = 0; i < inv.length; i++) {
                    inv[i] = 1.0 / density[i];
                }
                closeAll(inv, weights, 0, 1e-6, where + ": weights (1 / density)");
                closeAll(Vectors.flat(ex.get("loss_per_row")), perRowValues, 0, 1e-5, where + ": loss per row");
            } else {
                close(ex.get("loss_legacy_no_eps").asDouble(), value, 0, 1e-5, where + ": loss");
                assertEquals(ex.get("tot").asDouble(), out.stats().tot(), where + ": tot");
                assertEquals(ex.get("n_nonempty_bins").asInt(), out.stats().nonEmptyBins(), where + ": n");
                assertEquals(ex.get("n_valid").asLong(), out.stats().valid(), where + ": valid");
                closeAll(Vectors.flat(ex.get("weights")), weights, 0, 1e-6, where + ": weights");
                double[] grad = Vectors.flat(ex.get("grad"));
                double max = Arrays.stream(grad).map(Math::abs).max().orElse(0);
                closeAll(grad, doubles(out.gradient()), 1e-5 * max, 1e-5, where + ": grad");
            }
            if (ex.hasNonNull("state_after")) {
                closeAll(Vectors.flat(ex.get("state_after")), loss.snapshot().accumulator(), 0, 1e-6,
                        where + ": state");
            }
            step++;
        }
        assertTrue(step > 0, file + " has steps");
    }

    static Tensor tensor(JsonNode values, int[] shape, Form form) {
        float[] f = Vectors.floats(values);
        long[] s = Arrays.stream(shape).asLongStream().toArray();
        return switch (form) {
            case FLOAT32_INDARRAY -> Nd4jTensor.of(Nd4j.create(f, s, 'c'));
            case FLOAT64_INDARRAY -> Nd4jTensor.of(Nd4j.create(f, s, 'c').castTo(DataType.DOUBLE));
            case HEAP_FLOATS -> Tensor.of(f, shape);
        };
    }

    static double[] doubles(Tensor t) {
        double[] d = new double[t.length()];
        t.copyTo(d, 0);
        return d;
    }

    static void close(double expected, double actual, double atol, double rtol, String what) {
        assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
                what + ": expected " + expected + " but was " + actual + " (atol " + atol + ", rtol " + rtol + ")");
    }

    static void closeAll(double[] expected, double[] actual, double atol, double rtol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], atol, rtol, what + " [" + i + "]");
        }
    }
}
