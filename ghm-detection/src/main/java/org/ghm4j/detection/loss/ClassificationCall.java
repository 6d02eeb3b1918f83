package org.ghm4j.detection.loss;

/**
 * One classification call: n anchors x K classes, read from caller arrays at offsets (no copy).
 * Nothing is modified.
 *
 * @param logits        logits, element (anchor i, class k) at {@code logits[logitsOffset + i * K + k]}
 * @param logitsOffset  offset into {@code logits}
 * @param labels        per anchor its class in [0, K) (positive) or K (background), from {@code labelsOffset}
 * @param labelsOffset  offset into {@code labels}
 * @param weights       per anchor label weight >= 0 (0 = ignored or invalid: masked for every class),
 *                      from {@code weightsOffset}
 * @param weightsOffset offset into {@code weights}
 * @param n             number of anchors
 * @param numClasses    K
 * @param avgFactor     the batch's positive-count normalizer (sum over images of max(P_i, 1)); used by the
 *                      focal loss, ignored by the others
 */
public record ClassificationCall(float[] logits, int logitsOffset, int[] labels, int labelsOffset, float[] weights,
                                 int weightsOffset, int n, int numClasses, double avgFactor) {

    /** Target t of (anchor i, class k): 1 when the anchor's label is k, else 0. */
    public float target(int i, int k) {
        return labels[labelsOffset + i] == k ? 1f : 0f;
    }
}
