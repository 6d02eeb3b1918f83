package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.assign.AssignResult;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.LevelCounts;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.junit.jupiter.api.Test;

class TargetBuilderTest {
    private static final ImageAnnotation EMPTY = ImageAnnotation.of(64, 96, new float[0], new int[0]);

    /** GHM-8.4: an image without gt boxes gives only negatives; GHM-R then sees nothing and returns 0. */
    @Test
    void imagesWithoutBoxesGiveOnlyNegativesAndNoRegression() {
        TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(4));
        DetectionTargets t = builder.build(64, 96, List.of(EMPTY, EMPTY));
        ImageTargets it = t.image(0);
        for (int j = 0; j < t.grid().totalAnchors(); j++) {
            assertEquals(AssignResult.NEGATIVE, it.assignment().assigned()[j]);
            assertEquals(4, it.labels()[j]);
            assertEquals(1f, it.labelWeights()[j]);
        }
        assertEquals(0, t.numPositives());
        assertEquals(2.0, t.avgFactor(), "max(P_i, 1) per image");
        try (JavaBackend backend = new JavaBackend()) {
            DetectionLoss loss = DetectionLoss.retinanetGhm(backend);
            DensityState before = loss.regression().snapshotState();
            DetectionLossResult r = loss.compute(t, BadInputTest.logits(t, -2f), BadInputTest.deltas(t));
            assertEquals(0.0, r.lossBbox());
            assertEquals(before, loss.regression().snapshotState(), "no valid element: state unchanged (D-5)");
            for (float g : r.gradBbox()[0]) {
                assertEquals(0f, g);
            }
            assertEquals(1.0, r.calls().get(0).regStats().tot());
        }
    }

    @Test
    void paddingAndBorderMakeAnchorsInvalidWithWeightZero() {
        float[] box = {10, 10, 50, 40};
        TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(1).withAllowedBorder(0));
        // image 60 x 70 padded to 64 x 96 (h x w) in a 64 x 96 batch: level 0 x >= ceil(96/8) = 12 is fine,
        // but with border 0 every anchor reaching past x = 70 or y = 60 is outside
        DetectionTargets t = builder.build(64, 96, List.of(new ImageAnnotation(60, 70, 64, 96, box, new int[] {0})));
        ImageTargets it = t.image(0);
        float[] a = t.grid().boxes();
        for (int j = 0; j < t.grid().totalAnchors(); j++) {
            boolean inside = a[4 * j] >= 0 && a[4 * j + 1] >= 0 && a[4 * j + 2] < 70 && a[4 * j + 3] < 60;
            assertEquals(inside ? 1 : 0, it.assignment().assigned()[j] != AssignResult.INVALID ? 1 : 0, "anchor " + j);
            if (!inside) {
                assertEquals(0f, it.labelWeights()[j]);
                assertEquals(1, it.labels()[j]);
            }
        }
        LevelCounts c0 = it.counts(0);
        assertEquals(t.grid().numAnchors(0), c0.total());
        assertEquals(c0.valid(), c0.pos() + c0.neg() + c0.ignored());
    }

    @Test
    void denseTargetsAndTheGridCache() {
        TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(2));
        DetectionTargets t = builder.build(64, 64, List.of(ImageAnnotation.of(64, 64, new float[] {8, 8, 40, 40},
                new int[] {1})));
        ImageTargets it = t.image(0);
        float[] dense = it.denseBoxTargets();
        float[] weights = it.denseBoxWeights();
        int j = it.posIndex()[0];
        assertArrayEquals(new float[] {(float) it.posTargets()[0], (float) it.posTargets()[1],
                (float) it.posTargets()[2], (float) it.posTargets()[3]}, java.util.Arrays.copyOfRange(dense, 4 * j, 4 * j + 4));
        assertArrayEquals(new float[] {1, 1, 1, 1}, java.util.Arrays.copyOfRange(weights, 4 * j, 4 * j + 4));
        double sum = 0;
        for (float w : weights) {
            sum += w;
        }
        assertEquals(4.0 * it.numPositives(), sum);
        assertSame(t.grid(), builder.grid(64, 64));
    }
}
