package org.ghm4j.detection.target;

import java.util.Arrays;
import org.ghm4j.detection.assign.AssignResult;

/**
 * The training targets of one image, over all anchors of the batch grid (levels concatenated in
 * order, each location-major). Arrays are shared, not copied; do not modify them.
 *
 * <ul>
 *   <li>{@code labels} [N]: the gt's class for a positive anchor, K (background) otherwise;</li>
 *   <li>{@code labelWeights} [N]: 1 (or posWeight) for positives, 1 for negatives, 0 for ignored and
 *       invalid anchors: the valid-anchor mask of GHM-8.1, broadcast over the K classes;</li>
 *   <li>positives, in anchor order: {@code posIndex} [P] (flat anchor index), {@code posGt} [P] and
 *       {@code posTargets} [P * 4] (encoded deltas, float64); box weights are 1 on these rows and 0
 *       elsewhere (GHM-8.2);</li>
 *   <li>{@code gtNumPos} [G] anchors matched to each gt; {@code counts} one entry per level.</li>
 * </ul>
 */
public record ImageTargets(AssignResult assignment, int[] labels, float[] labelWeights, int[] posIndex, int[] posGt,
                           double[] posTargets, int[] gtNumPos, LevelCounts[] counts) {

    /** P, the number of positive anchors. */
    public int numPositives() {
        return posIndex.length;
    }

    /** The dense box targets [N * 4] (0 for non-positives), a new array. */
    public float[] denseBoxTargets() {
        float[] out = new float[labels.length * 4];
        for (int p = 0; p < posIndex.length; p++) {
            for (int k = 0; k < 4; k++) {
                out[4 * posIndex[p] + k] = (float) posTargets[4 * p + k];
            }
        }
        return out;
    }

    /** The dense box weights [N * 4] (1 on the 4 deltas of positives, 0 elsewhere), a new array. */
    public float[] denseBoxWeights() {
        float[] out = new float[labels.length * 4];
        for (int j : posIndex) {
            Arrays.fill(out, 4 * j, 4 * j + 4, 1f);
        }
        return out;
    }

    /** The counts of {@code level}. */
    public LevelCounts counts(int level) {
        return counts[level];
    }
}
