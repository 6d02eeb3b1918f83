package org.ghm4j.detection.loss;

import java.util.List;
import org.ghm4j.detection.target.LevelCounts;

/**
 * The result of one detection loss step.
 *
 * @param lossCls   sum of the classification calls' losses
 * @param lossBbox  sum of the regression calls' losses
 * @param gradCls   d(lossCls + lossBbox) / d logits, shaped like the head output: [image][level] flat
 *                  [numAnchors(l) * K], element (anchor i, class k) at i * K + k
 * @param gradBbox  d(lossCls + lossBbox) / d deltas, per image flat [N * 4] over all levels (anchor order of
 *                  the grid); 0 for every non-positive anchor
 * @param calls     one report per call pair, in call order
 * @param counts    anchor counts per level, summed over the images
 */
public record DetectionLossResult(double lossCls, double lossBbox, float[][][] gradCls, float[][] gradBbox,
                                  List<CallReport> calls, LevelCounts[] counts) {

    public DetectionLossResult {
        calls = List.copyOf(calls);
    }

    /** lossCls + lossBbox. */
    public double total() {
        return lossCls + lossBbox;
    }
}
