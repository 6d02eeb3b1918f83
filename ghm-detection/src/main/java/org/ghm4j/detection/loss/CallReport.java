package org.ghm4j.detection.loss;

import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;

/**
 * What one classification call and one regression call of a step saw (one per level under
 * PER_LEVEL, one per step under JOINT).
 *
 * @param levels        the levels fed to the calls, in order
 * @param clsLoss       the classification call's loss
 * @param clsStats      its R, tot, n (null for a baseline)
 * @param clsStateAfter GHM-C state after the call (null for a baseline or momentum 0)
 * @param regLoss       the regression call's loss
 * @param regStats      its R, tot, n (null for a baseline)
 * @param regStateAfter GHM-R state after the call (null for a baseline or momentum 0)
 * @param numPositives  positive anchors in the calls
 */
public record CallReport(int[] levels, double clsLoss, BinStats clsStats, DensityState clsStateAfter,
                         double regLoss, BinStats regStats, DensityState regStateAfter, int numPositives) {
}
