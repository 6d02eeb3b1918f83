package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.LossConfig;
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
 * The two mmdetection families (GHM-9.1): {@code ghmc_mmdet} (GHM-2) and {@code ghmr_mmdet}
 * (GHM-4). Each step feeds float32 {@code pred}, {@code target} and {@code label_weight} ([N, C] or
 * [N]) to one loss instance and compares loss ({@code loss_legacy_no_eps}, D-10), tot, counts,
 * weights, gradient (rescaled from the newest form by (tot + avg_eps) / tot, GHM-9.2) and state.
 *
 * <p>Optional fields beyond the sample vectors, used by the testkit's own cases:
 * {@code params.reduction} ("MEAN", "SUM", "NONE"), {@code params.input} ("logits",
 * "probabilities") and {@code expected.element_loss} (with NONE).
 */
abstract class MmdetFamily implements VectorFamily {

    /** The loss settings of a case. */
    abstract LossConfig config(JsonNode params, Reduction reduction);

    /** Capabilities a case needs beyond the required ones. */
    abstract Set<Capability> needs(JsonNode params);

    /** Rule ids for the messages: loss, gradient. */
    abstract String lossRule();

    abstract String gradRule();

    @Override
    public void run(JsonNode testCase, GhmBackend backend) {
        run(testCase, backend, Tolerances.ghm93());
    }

    @Override
    public void run(JsonNode testCase, GhmBackend backend, Tolerances tol) {
        VectorCase vc = new VectorCase("", testCase);
        JsonNode params = testCase.path("params");
        for (Capability c : needs(params)) {
            if (!backend.has(c)) {
                throw new TestAbortedException("case " + vc.name() + " needs capability " + c
                        + ", which backend '" + backend.name() + "' does not declare");
            }
        }
        Reduction reduction = Reduction.valueOf(params.path("reduction").asText("MEAN"));
        LossConfig config = config(params, reduction);
        HarmonizedLoss loss = backend.loss(config);
        JsonNode init = testCase.path("initial_state");
        if (init.isArray() && config.momentum() > 0) {
            loss.restore(new DensityState(config.bins(), config.momentum(), DensityMode.HARMONIZED, Json.flat(init), 0));
        }
        double avgEps = params.path("avg_eps").asDouble(0.0);
        int stepIndex = 0;
        for (JsonNode step : testCase.path("steps")) {
            runStep(vc, stepIndex++, step, loss, reduction, avgEps, tol);
        }
    }

    private void runStep(VectorCase vc, int s, JsonNode step, HarmonizedLoss loss, Reduction reduction, double avgEps,
                         Tolerances tol) {
        JsonNode in = step.path("inputs");
        JsonNode ex = step.path("expected");
        int[] shape = Json.shape(in.path("pred"));
        Tensor pred = Tensor.of(Json.flatFloats(in.path("pred")), shape);
        Tensor target = Tensor.of(Json.flatFloats(in.path("target")), Json.shape(in.path("target")));
        Tensor weight = in.has("label_weight") && !in.path("label_weight").isNull()
                ? Tensor.of(Json.flatFloats(in.path("label_weight")), Json.shape(in.path("label_weight"))) : null;
        LossInput input = LossInput.of(pred, target, weight);
        Expect e = Expect.rule(lossRule()).at(vc.name(), s);
        if (vc.quirk() && Json.hasNonFinite(ex)) {
            DensityState before = loss.snapshot();
            ExpectError.thrown(e.as("GHM-6.1"), "a quirk step with a non-finite expectation",
                    () -> loss.compute(input, new LossOutput()), ErrorId.INPUT_NONFINITE, ErrorId.INPUT_RANGE);
            e.as("GHM-5.3").isTrue(before.equals(loss.snapshot()),
                    "state moved on a refused call: before " + before + ", after " + loss.snapshot());
            return;
        }
        LossOutput out = new LossOutput().withWeights();
        double actualLoss = loss.compute(input, out);

        double tot = ex.path("tot").asDouble();
        e.as("GHM-1.4").counts("bin_counts", Json.longs(ex.path("bin_counts")), out.stats().counts());
        e.as("GHM-1.4").exact("n_valid", ex.path("n_valid").asLong(), out.stats().valid());
        e.as("GHM-1.4").exact("n_nonempty_bins", ex.path("n_nonempty_bins").asLong(), out.stats().nonEmptyBins());
        e.as(totRule()).scalar("tot", tot, out.stats().tot(), 0.0, 1e-12);
        double expectedLoss = Json.number(ex.path("loss_legacy_no_eps"));
        e.scalar("loss (loss_legacy_no_eps)", expectedLoss, actualLoss, 0.0, tol.lossRtol());
        e.as("GHM-1.6").array("weights", shape, Json.flat(ex.path("weights")),
                e.values("weights", out.weights()), 0.0, tol.weightRtol());
        double[] grad = Json.flat(ex.path("grad"));
        if (reduction == Reduction.MEAN && avgEps != 0.0) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] = grad[i] * (tot + avgEps) / tot;
            }
        }
        e.as(gradRule()).gradient("grad", shape, grad, e.values("grad", out.gradient()), tol);
        if (ex.has("element_loss")) {
            e.as("GHM-1.9").array("element_loss", shape, Json.flat(ex.path("element_loss")),
                    e.values("element_loss", out.elementLoss()), 0.0, tol.lossRtol());
        }
        JsonNode state = ex.path("state_after");
        if (state.isArray()) {
            e.as("GHM-1.5").array("state_after", new int[] {state.size()}, Json.flat(state),
                    loss.snapshot().accumulator(), 0.0, tol.stateRtol());
        }
    }

    abstract String totRule();
}
