package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.testkit.Expect;
import org.ghm4j.testkit.ExpectError;
import org.ghm4j.testkit.Tolerances;
import org.opentest4j.TestAbortedException;

/**
 * {@code ghm_categorical_seed}: the tf.keras seed (GHM-3.3), probabilities input. Two instances
 * run in lockstep on the same steps: one with MEAN (loss_row_mean, densities as 1 / weights,
 * counts, state) and one with NONE (loss_per_row, D-1). Optional fields used by the testkit's own
 * cases: {@code params.loss_weight} (default 1) and {@code params.input} ("probabilities" or
 * "logits").
 */
public final class CategoricalSeedFamily implements VectorFamily {
    public static final String FUNCTION = "ghm_categorical_seed";

    @Override
    public Set<String> functions() {
        return Set.of(FUNCTION);
    }

    @Override
    public void run(JsonNode testCase, GhmBackend backend) {
        run(testCase, backend, Tolerances.ghm93());
    }

    @Override
    public void run(JsonNode testCase, GhmBackend backend, Tolerances tol) {
        VectorCase vc = new VectorCase("", testCase);
        JsonNode p = testCase.path("params");
        InputKind kind = "logits".equalsIgnoreCase(p.path("input").asText("probabilities"))
                ? InputKind.LOGITS : InputKind.PROBABILITIES;
        for (Capability c : kind == InputKind.PROBABILITIES
                ? List.of(Capability.CATEGORICAL, Capability.PROBABILITY_INPUT) : List.of(Capability.CATEGORICAL)) {
            if (!backend.has(c)) {
                throw new TestAbortedException("case " + vc.name() + " needs capability " + c + ", which backend '"
                        + backend.name() + "' does not declare");
            }
        }
        CategoricalConfig mean = CategoricalConfig.builder().mode(CategoricalMode.SEED).input(kind)
                .bins(p.path("bins").asInt()).momentum(p.path("momentum").asDouble())
                .epsilon(p.path("epsilon").asDouble(1e-7)).lossWeight(p.path("loss_weight").asDouble(1.0))
                .reduction(Reduction.MEAN).build();
        HarmonizedLoss meanLoss = backend.loss(mean);
        HarmonizedLoss rowLoss = backend.loss(mean.toBuilder().reduction(Reduction.NONE).build());
        JsonNode init = testCase.path("initial_state");
        if (init.isArray()) {
            DensityState s = new DensityState(mean.bins(), mean.momentum(), DensityMode.SEED, Json.flat(init), 0);
            meanLoss.restore(s);
            rowLoss.restore(s);
        }
        int s = 0;
        for (JsonNode step : testCase.path("steps")) {
            runStep(vc, s++, step, meanLoss, rowLoss, tol);
        }
    }

    private static void runStep(VectorCase vc, int s, JsonNode step, HarmonizedLoss meanLoss, HarmonizedLoss rowLoss,
                                Tolerances tol) {
        JsonNode in = step.path("inputs");
        JsonNode ex = step.path("expected");
        int[] shape = Json.shape(in.path("y_pred"));
        Tensor pred = Tensor.of(Json.flatFloats(in.path("y_pred")), shape);
        Tensor target = Tensor.of(Json.flatFloats(in.path("y_true")), Json.shape(in.path("y_true")));
        Tensor mask = in.has("valid_mask") && !in.path("valid_mask").isNull()
                ? Tensor.of(Json.flatFloats(in.path("valid_mask")), Json.shape(in.path("valid_mask"))) : null;
        LossInput input = LossInput.of(pred, target, mask);
        Expect e = Expect.rule("GHM-3.3").at(vc.name(), s);
        if (vc.quirk() && Json.hasNonFinite(ex)) {
            DensityState before = meanLoss.snapshot();
            ExpectError.thrown(e.as("GHM-6.1"), "a quirk step with a non-finite expectation",
                    () -> meanLoss.compute(input, new LossOutput()), ErrorId.INPUT_NONFINITE, ErrorId.INPUT_RANGE);
            e.as("GHM-5.3").isTrue(before.equals(meanLoss.snapshot()),
                    "state moved on a refused call: before " + before + ", after " + meanLoss.snapshot());
            ExpectError.thrown(e.as("GHM-6.1"), "a quirk step with a non-finite expectation",
                    () -> rowLoss.compute(input, new LossOutput()), ErrorId.INPUT_NONFINITE, ErrorId.INPUT_RANGE);
            return;
        }
        LossOutput out = new LossOutput().withWeights();
        double loss = meanLoss.compute(input, out);
        LossOutput rows = new LossOutput();
        rowLoss.compute(input, rows);

        e.as("GHM-1.4").counts("bin_counts", Json.longs(ex.path("bin_counts")), out.stats().counts());
        e.scalar("loss_row_mean", Json.number(ex.path("loss_row_mean")), loss, 0.0, tol.lossRtol());
        e.as("GHM-1.9").array("loss_per_row", new int[] {shape[0]}, Json.flat(ex.path("loss_per_row")),
                e.values("elementLoss (NONE)", rows.elementLoss()), 0.0, tol.lossRtol());
        double[] w = e.values("weights", out.weights());
        double[] density = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            density[i] = 1.0 / w[i];
        }
        e.as("GHM-1.7").array("density (1 / weights)", shape, Json.flat(ex.path("density")), density, 0.0,
                tol.weightRtol());
        JsonNode state = ex.path("state_after");
        if (state.isArray()) {
            e.as("GHM-1.7").array("state_after", new int[] {state.size()}, Json.flat(state),
                    meanLoss.snapshot().accumulator(), 0.0, tol.stateRtol());
        }
        if (ex.has("grad")) {
            e.as("GHM-3.3").gradient("grad", shape, Json.flat(ex.path("grad")), e.values("grad", out.gradient()), tol);
        }
    }
}
