package org.ghm4j.cli.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ghm4j.detection.loss.DetectionLossResult;

/**
 * What a demo run computed.
 *
 * @param batch         the batch
 * @param ghm           per backend (in run order) the GHM-C + GHM-R result of the last step
 * @param bce           BCE + Smooth L1 on the last step
 * @param focal         focal loss + Smooth L1 on the last step
 * @param figure        the figure's numbers (last step, first backend)
 * @param backendCounts GHM-C's R_k summed over the levels of the last step (first backend)
 * @param difference    the comparison of the backends
 * @param files         the figure files written: the PNG, then the SVG when asked for
 * @param failures      backends that failed (name -> what happened); the others ran on
 */
public record DemoResult(DemoBatch batch, Map<String, DetectionLossResult> ghm, DetectionLossResult bce,
                         DetectionLossResult focal, GradientFigureData figure, long[] backendCounts,
                         BackendDifference difference, List<Path> files,
                         Map<String, String> failures) {
}
