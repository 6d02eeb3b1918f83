package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.anchor.AnchorGenerator;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;
import org.ghm4j.detection.eval.DetectionEvaluator;
import org.ghm4j.detection.eval.Detections;
import org.ghm4j.detection.eval.EvalResult;
import org.ghm4j.detection.eval.Nms;
import org.ghm4j.detection.eval.PostProcessor;
import org.junit.jupiter.api.Test;

class EvalTest {

    @Test
    void nmsDropsOverlapsOfTheSameClassOnly() {
        float[] boxes = {0, 0, 10, 10, 1, 0, 11, 10, 0, 0, 10, 10, 50, 50, 60, 60};
        float[] scores = {0.9f, 0.95f, 0.5f, 0.3f};
        // box 1 (0.95) first; box 0 overlaps it with IoU 90/110 = 0.818 > 0.5: dropped; box 2 is class 1: kept
        assertArrayEquals(new int[] {1, 2, 3}, Nms.batched(boxes, scores, new int[] {0, 0, 1, 0}, 0.5));
        assertArrayEquals(new int[] {1, 3}, Nms.nms(boxes, scores, 0.5));
        // at 0.9 box 0 survives box 1 (0.818), but box 2 is box 0's duplicate (IoU 1)
        assertArrayEquals(new int[] {1, 0, 3}, Nms.nms(boxes, scores, 0.9));
    }

    @Test
    void topKIsByDescendingScoreWithTiesByIndex() {
        assertArrayEquals(new int[] {1, 3, 0}, Nms.topK(new float[] {0.5f, 0.9f, 0.1f, 0.9f}, 3));
    }

    @Test
    void perfectDetectionsScoreOne() {
        DetectionEvaluator ev = new DetectionEvaluator(2);
        float[] gt = {0, 0, 10, 10, 20, 20, 40, 40};
        ev.add(new Detections(gt.clone(), new float[] {0.9f, 0.8f}, new int[] {0, 1}), gt, new int[] {0, 1});
        EvalResult r = ev.evaluate();
        assertEquals(1.0, r.map50(), 1e-12);
        assertEquals(1.0, r.cocoAp(), 1e-12);
    }

    /**
     * One class, two gts; detections by score: TP (0.9), FP (0.8), TP (0.7). Recall 0.5, 0.5, 1;
     * precision 1, 0.5, 0.667. VOC area: 0.5 * 1 + 0.5 * 0.667 = 0.8333. COCO 101 points: recall
     * thresholds 0 .. 0.50 (51 points) take precision 1, 0.51 .. 1 (50 points) take 0.667:
     * (51 + 50 * 2/3) / 101 = 0.834983 at every IoU threshold (the matches have IoU 1).
     */
    @Test
    void apOfARankedListWithOneFalsePositive() {
        DetectionEvaluator ev = new DetectionEvaluator(1);
        float[] gt = {0, 0, 10, 10, 20, 20, 40, 40};
        ev.add(new Detections(new float[] {0, 0, 10, 10, 100, 100, 110, 110, 20, 20, 40, 40},
                new float[] {0.9f, 0.8f, 0.7f}, new int[] {0, 0, 0}), gt, new int[] {0, 0});
        EvalResult r = ev.evaluate();
        assertEquals(0.5 + 0.5 * 2.0 / 3.0, r.map50(), 1e-9);
        assertEquals((51 + 50 * 2.0 / 3.0) / 101, r.cocoAp(), 1e-9);
        assertEquals(r.cocoAp(), r.cocoAp50(), 1e-12);
    }

    /** A match of IoU 0.58 counts at thresholds 0.50 and 0.55 only: COCO AP = 2/10 of the AP@0.5. */
    @Test
    void cocoApAveragesOverIouThresholds() {
        DetectionEvaluator ev = new DetectionEvaluator(1);
        // gt [0,0,10,10]; detection [0,0,10,5.8]: IoU 58/100 = 0.58
        ev.add(new Detections(new float[] {0, 0, 10, 5.8f}, new float[] {0.9f}, new int[] {0}),
                new float[] {0, 0, 10, 10}, new int[] {0});
        EvalResult r = ev.evaluate();
        assertEquals(1.0, r.map50(), 1e-12);
        assertEquals(1.0, r.cocoAp50(), 1e-12);
        assertEquals(0.0, r.cocoAp75(), 1e-12);
        assertEquals(0.2, r.cocoAp(), 1e-12);
        assertTrue(Double.isNaN(new DetectionEvaluator(2).evaluate().ap50PerClass()[1]));
    }

    @Test
    void postProcessorThresholdsDecodesAndSuppresses() {
        AnchorGrid grid = new AnchorGenerator(new AnchorConfig(new int[] {16}, new double[] {1}, 2, 1, 0)).grid(32, 48);
        float[] logits = new float[6 * 2];
        java.util.Arrays.fill(logits, -10f);
        logits[4 * 2 + 1] = 3f;  // anchor 4 [0,0,32,32], class 1, score 0.9526
        logits[1 * 2 + 1] = 2f;  // anchor 1 [0,-16,32,16], class 1, score 0.8808; after decoding it overlaps anchor 4's box
        logits[5 * 2 + 0] = 1f;  // anchor 5 [16,0,48,32], class 0, score 0.7311
        float[] deltas = new float[24];
        deltas[4 * 1 + 1] = 0.5f; // anchor 1 moved down by 0.5 * 32 = 16: [0, 0, 32, 32]
        Detections d = PostProcessor.retinanet().process(grid, DeltaXYWHBBoxCoder.retinanet(), new float[][] {logits},
                deltas, 2, new int[] {32, 48});
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {0, 0, 32, 32, 16, 0, 48, 32}, d.boxes(), 1e-5f);
        assertEquals(1 / (1 + Math.exp(-3)), d.scores()[0], 1e-6);
    }
}
