package org.ghm4j.detection.loss;

import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;

/**
 * The box regression half of a detection loss: GHM-R through a backend ({@link GhmRegressionLoss})
 * or a plain-Java baseline ({@link SmoothL1Loss}, {@link L1Loss}). Not thread-safe (see
 * {@link ClassificationLoss}).
 */
public interface RegressionLoss {

    /** Short name for reports: {@code ghmr}, {@code smooth_l1}, {@code l1}. */
    String name();

    /** Computes one call: returns the loss and writes d loss / d pred into {@code grad[0 .. 4P)}. */
    double compute(RegressionCall call, float[] grad);

    default DensityState snapshotState() {
        return null;
    }

    default void restoreState(DensityState state) {
    }

    default BinStats lastStats() {
        return null;
    }
}
