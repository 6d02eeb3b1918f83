package org.ghm4j.testkit;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;

/**
 * Everything one loss call returned, copied out: scalar loss, gradient, weights, element losses
 * (with NONE), the call's counts and tot, and the state after the call.
 */
record Outcome(double loss, double[] grad, double[] weights, double[] elementLoss, long[] counts, double tot,
               DensityState state) {

    /** Runs {@code loss} on {@code input} asking for the weights too. */
    static Outcome of(Expect e, HarmonizedLoss loss, LossInput input, StateUpdate update) {
        LossOutput out = new LossOutput().withWeights();
        double l = loss.compute(input, out, update);
        double[] el = loss.config().reduction() == Reduction.NONE ? e.values("elementLoss (NONE)", out.elementLoss()) : null;
        // Seed-categorical has no tot (GHM-1.7): NaN tells compare() to skip it.
        boolean seed = loss.config() instanceof CategoricalConfig c && c.mode() == CategoricalMode.SEED;
        return new Outcome(l, e.values("gradient", out.gradient()), e.values("weights", out.weights()), el,
                out.stats().counts(), seed ? Double.NaN : out.stats().tot(), loss.snapshot());
    }

    static Outcome of(Expect e, HarmonizedLoss loss, LossInput input) {
        return of(e, loss, input, StateUpdate.COMMIT);
    }

    /**
     * Compares {@code actual} with {@code expected} (typically the oracle's): counts exactly,
     * tot, loss, gradient, weights, element losses and state within {@code tol}.
     *
     * @param shape shape of pred; {@code rowShape} the shape of the element losses
     */
    static void compare(Expect e, Outcome expected, Outcome actual, int[] shape, int[] rowShape, Tolerances tol) {
        e.counts("bin counts R (GHM-1.4)", expected.counts, actual.counts);
        if (!Double.isNaN(expected.tot)) {
            e.scalar("tot", expected.tot, actual.tot, 0.0, 1e-12);
        }
        e.scalar("loss", expected.loss, actual.loss, 0.0, tol.lossRtol());
        e.array("weights beta (GHM-1.6)", shape, expected.weights, actual.weights, 0.0, tol.weightRtol());
        e.gradient("gradient", shape, expected.grad, actual.grad, tol);
        if (expected.elementLoss != null) {
            e.array("elementLoss (GHM-1.9)", rowShape, expected.elementLoss, actual.elementLoss, 0.0, tol.lossRtol());
        }
        e.array("state S (GHM-1.5)", new int[] {expected.state.bins()}, expected.state.accumulator(),
                actual.state.accumulator(), 0.0, tol.stateRtol());
        e.exact("state steps (GHM-5.1)", expected.state.steps(), actual.state.steps());
    }
}
