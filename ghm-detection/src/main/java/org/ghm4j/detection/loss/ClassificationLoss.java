package org.ghm4j.detection.loss;

import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;

/**
 * The anchor classification half of a detection loss: GHM-C through a backend
 * ({@link GhmClassificationLoss}) or a plain-Java baseline ({@link SigmoidFocalLoss},
 * {@link BinaryCrossEntropyLoss}). Implementations are not thread-safe: a {@link DetectionLoss}
 * owns one and serializes its calls.
 */
public interface ClassificationLoss {

    /** Short name for reports: {@code ghmc}, {@code focal}, {@code bce}. */
    String name();

    /**
     * Computes one call: returns the call's loss and writes d loss / d logits into
     * {@code grad[gradOffset ..  + n * K)}. Refuses a non-finite logit with an {@code InvalidInputException}
     * (GHM-INPUT-NONFINITE) naming the call-local index; a stateful loss then keeps its state.
     */
    double compute(ClassificationCall call, float[] grad, int gradOffset);

    /** The EMA state (null when the loss has none). */
    default DensityState snapshotState() {
        return null;
    }

    /** Puts back a state from {@link #snapshotState()}; a no-op for stateless losses. */
    default void restoreState(DensityState state) {
    }

    /** R, tot and n of the last call, a new object (null when the loss does not histogram). */
    default BinStats lastStats() {
        return null;
    }
}
