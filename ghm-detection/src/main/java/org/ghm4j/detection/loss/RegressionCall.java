package org.ghm4j.detection.loss;

/**
 * One regression call over the P positive anchors of the call (box weight 1 on their 4 deltas,
 * every other anchor has box weight 0 and is left out). Nothing is modified.
 *
 * @param pred      [P * 4] predicted deltas (float32 head outputs)
 * @param target    [P * 4] encoded target deltas (float64)
 * @param p         P, may be 0
 * @param avgFactor the batch's positive-count normalizer (sum over images of max(P_i, 1)); used by Smooth L1
 *                  and L1, ignored by GHM-R (whose tot is 4P of the call)
 */
public record RegressionCall(float[] pred, double[] target, int p, double avgFactor) {
}
