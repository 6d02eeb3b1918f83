package org.ghm4j.api.loss;

import java.util.Arrays;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.tensor.Tensor;

/**
 * One batch for a {@code HarmonizedLoss}. Shapes are checked here (GHM-6.2); values are checked
 * by the backend while it computes (GHM-6.1, GHM-6.3). Nothing is copied or modified.
 *
 * @param pred        GHM-C: logits (or probabilities) [N, C] or any shape; categorical: [N, C] logits
 *                    or probabilities; GHM-R: predicted deltas [N, 4] or any shape
 * @param target      same shape as pred: GHM-C targets in [0, 1]; categorical one-hot or soft rows;
 *                    GHM-R target deltas
 * @param labelWeight null (all valid), the shape of pred, or [N] (one weight per row, broadcast over the
 *                    trailing dimensions; the only form categorical accepts). An element is valid when
 *                    its weight is > 0 (GHM-1.3).
 */
public record LossInput(Tensor pred, Tensor target, Tensor labelWeight) {

    public LossInput {
        if (pred == null || target == null) {
            throw new IllegalArgumentException("[GHM-INPUT-SHAPE] " + (pred == null ? "pred" : "target")
                    + " must not be null");
        }
        int[] p = pred.shape();
        int[] t = target.shape();
        if (!Arrays.equals(p, t)) {
            throw InputErrors.shape("target", t, "pred", p, "they must be equal (GHM-6.2)");
        }
        if (labelWeight != null) {
            int[] w = labelWeight.shape();
            boolean perRow = w.length == 1 && p.length >= 1 && w[0] == p[0];
            if (!perRow && !Arrays.equals(w, p)) {
                throw InputErrors.shape("labelWeight", w, "pred", p,
                        "labelWeight must have pred's shape or [" + (p.length > 0 ? p[0] : 0) + "] (GHM-6.2)");
            }
        }
    }

    /** All elements valid. */
    public static LossInput of(Tensor pred, Tensor target) {
        return new LossInput(pred, target, null);
    }

    public static LossInput of(Tensor pred, Tensor target, Tensor labelWeight) {
        return new LossInput(pred, target, labelWeight);
    }

    /** True when the label weight has one entry per row that applies to the whole row. */
    public boolean rowWeights() {
        return labelWeight != null && labelWeight.rank() == 1 && pred.rank() > 1;
    }
}
