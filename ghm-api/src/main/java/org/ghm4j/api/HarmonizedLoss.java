package org.ghm4j.api;

import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;

/**
 * A GHM loss (GHM-C, categorical GHM-C or GHM-R) with its EMA state: loss, gradient with respect
 * to its input and, on request, the per-element weights, for one batch. Thread-safe (GHM-5.4).
 *
 * <p>One call: validate the input (GHM-6) while computing g and the bin counts; update the state
 * once; broadcast the per-bin weights to the gradient. A call that throws leaves the state as it
 * was (GHM-5.3); output buffers are then unspecified.
 */
public interface HarmonizedLoss extends DensityStateful {

    LossConfig config();

    /**
     * Computes into {@code output} (reusable: with caller-supplied buffers a steady-state call
     * allocates nothing) and returns the scalar loss.
     */
    double compute(LossInput input, LossOutput output, StateUpdate update);

    /** {@link #compute(LossInput, LossOutput, StateUpdate)} with {@link StateUpdate#COMMIT}. */
    default double compute(LossInput input, LossOutput output) {
        return compute(input, output, StateUpdate.COMMIT);
    }

    /** Allocating convenience: commits and returns a new output with loss and gradient. */
    default LossOutput compute(LossInput input) {
        LossOutput output = new LossOutput();
        compute(input, output, StateUpdate.COMMIT);
        return output;
    }
}
