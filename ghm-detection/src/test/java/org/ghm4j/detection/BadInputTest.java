package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.junit.jupiter.api.Test;

/** GHM-8.4 and GHM-6: refused input names the image, level and index; a failed step moves no state. */
class BadInputTest {
    private final TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(3));
    private static final ImageAnnotation GOOD = ImageAnnotation.of(64, 64, new float[] {10, 10, 40, 40}, new int[] {2});

    private InvalidInputException refused(ImageAnnotation second) {
        return assertThrows(InvalidInputException.class, () -> builder.build(64, 64, List.of(GOOD, second)));
    }

    @Test
    void degenerateBoxNamesImageAndBox() {
        InvalidInputException e = refused(ImageAnnotation.of(64, 64, new float[] {1, 1, 9, 9, 5, 5, 5, 20},
                new int[] {0, 1}));
        assertEquals(ErrorId.DETECTION_INPUT, e.errorId());
        assertTrue(e.getMessage().startsWith("[GHM-DETECTION-INPUT] image 1 gt_bboxes[1] = [5.0, 5.0, 5.0, 20.0]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("x2 > x1"), e.getMessage());
    }

    @Test
    void nonFiniteBoxIsRefused() {
        InvalidInputException e = refused(ImageAnnotation.of(64, 64, new float[] {1, Float.NaN, 9, 9}, new int[] {0}));
        assertTrue(e.getMessage().contains("image 1 gt_bboxes[0]") && e.getMessage().contains("not finite"),
                e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRefused() {
        InvalidInputException e = refused(ImageAnnotation.of(64, 64, new float[] {1, 1, 9, 9}, new int[] {3}));
        assertTrue(e.getMessage().contains("image 1 gt_labels[0] = 3 is outside [0, 3)"), e.getMessage());
    }

    @Test
    void headOutputsWithTheWrongAnchorCountAreRefused() {
        DetectionTargets t = builder.build(64, 64, List.of(GOOD));
        float[][][] logits = logits(t, 0f);
        logits[0][2] = new float[logits[0][2].length - 3];
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DetectionLoss.retinanetFocal().compute(t, logits, deltas(t)));
        assertEquals(ErrorId.DETECTION_INPUT, e.errorId());
        assertTrue(e.getMessage().contains("cls_logits of image 0, level 2 has 105 numbers but level 2 has 36 anchors (featmap [2, 2] x 9 base anchors) x 3 classes = 108 numbers"), e.getMessage());
        float[][] shortDeltas = {new float[8]};
        e = assertThrows(InvalidInputException.class,
                () -> DetectionLoss.retinanetFocal().compute(t, logits(t, 0f), shortDeltas));
        assertTrue(e.getMessage().contains("bbox_deltas of image 0 has 8 numbers"), e.getMessage());
    }

    @Test
    void nonFiniteLogitNamesImageLevelAnchorAndClassAndTheStepMovesNoState() {
        DetectionTargets t = builder.build(64, 64, List.of(GOOD, GOOD));
        try (JavaBackend backend = new JavaBackend()) {
            DetectionLoss loss = DetectionLoss.retinanetGhm(backend);
            DetectionLossResult first = loss.compute(t, logits(t, -1f), new float[][] {deltas(t)[0], deltas(t)[0]});
            DensityState cls = loss.classification().snapshotState();
            DensityState reg = loss.regression().snapshotState();
            float[][][] bad = logits(t, -1f);
            bad[1][2][7 * 3 + 1] = Float.POSITIVE_INFINITY;
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> loss.compute(t, bad, new float[][] {deltas(t)[0], deltas(t)[0]}));
            assertEquals(ErrorId.INPUT_NONFINITE, e.errorId());
            assertTrue(e.getMessage().contains("cls_logits of image 1, level 2, anchor 7, component 1 is Infinity"),
                    e.getMessage());
            assertEquals(cls, loss.classification().snapshotState(), "levels 0 and 1 were rolled back");
            assertEquals(reg, loss.regression().snapshotState());
            assertTrue(first.lossCls() > 0);
        }
    }

    @Test
    void nonFiniteDeltaNamesImageLevelAndAnchor() {
        DetectionTargets t = builder.build(64, 64, List.of(GOOD));
        AnchorGrid grid = t.grid();
        float[][] d = deltas(t);
        d[0][4 * (grid.levelStart(1) + 5) + 3] = Float.NaN;
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DetectionLoss.retinanetFocal().compute(t, logits(t, 0f), d));
        assertTrue(e.getMessage().startsWith("[GHM-INPUT-NONFINITE] bbox_deltas of image 0, level 1, anchor 5, component 3"),
                e.getMessage());
    }

    static float[][][] logits(DetectionTargets t, float value) {
        float[][][] out = new float[t.numImages()][t.grid().numLevels()][];
        for (int i = 0; i < out.length; i++) {
            for (int l = 0; l < out[i].length; l++) {
                out[i][l] = new float[t.grid().numAnchors(l) * t.numClasses()];
                java.util.Arrays.fill(out[i][l], value);
            }
        }
        return out;
    }

    static float[][] deltas(DetectionTargets t) {
        return new float[t.numImages()][t.grid().totalAnchors() * 4];
    }
}
