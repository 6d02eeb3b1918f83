package org.ghm4j.detection.eval;

import java.util.Arrays;
import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.detection.DetectionErrors;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;

/**
 * Turns one image's head outputs into detections, as mmdetection's RetinaNet test pipeline
 * ({@code predict_by_feat} with sigmoid scores): per level, scores = sigmoid(logits) over anchors x
 * classes; the (anchor, class) pairs with score > scoreThreshold; of those the nmsPre highest; their
 * anchors decoded with the deltas (clamped dw/dh, clipped to the image); then per-class NMS at
 * nmsIou over all levels and the maxPerImage highest. Immutable.
 *
 * @param scoreThreshold per-class score threshold (RetinaNet 0.05)
 * @param nmsPre         candidates kept per level before NMS (1000); <= 0 keeps all
 * @param nmsIou         NMS IoU threshold (0.5)
 * @param maxPerImage    detections kept per image (100); <= 0 keeps all
 */
public record PostProcessor(double scoreThreshold, int nmsPre, double nmsIou, int maxPerImage) {

    public PostProcessor {
        if (!Double.isFinite(scoreThreshold) || !(nmsIou >= 0 && nmsIou <= 1)) {
            throw new InvalidConfigException("scoreThreshold must be finite and nmsIou in [0, 1], got "
                    + scoreThreshold + ", " + nmsIou);
        }
    }

    /** RetinaNet's test_cfg: score_thr 0.05, nms_pre 1000, NMS IoU 0.5, max_per_img 100. */
    public static PostProcessor retinanet() {
        return new PostProcessor(0.05, 1000, 0.5, 100);
    }

    /**
     * Detections of one image.
     *
     * @param grid       the batch's anchors
     * @param coder      the box coder used in training
     * @param clsLogits  [level] flat [numAnchors(l) * K]. Not modified.
     * @param bboxDeltas [N * 4] over all levels. Not modified.
     * @param numClasses K
     * @param imgShape   [h, w] to clip to, or null
     */
    public Detections process(AnchorGrid grid, DeltaXYWHBBoxCoder coder, float[][] clsLogits, float[] bboxDeltas,
                              int numClasses, int[] imgShape) {
        if (clsLogits.length != grid.numLevels() || bboxDeltas.length != grid.totalAnchors() * 4) {
            throw DetectionErrors.input("post-processing needs " + grid.numLevels() + " levels of logits and "
                    + grid.totalAnchors() * 4 + " deltas, got " + clsLogits.length + " and " + bboxDeltas.length);
        }
        float[] anchors = grid.boxes();
        int capacity = 0;
        for (int l = 0; l < grid.numLevels(); l++) {
            capacity += nmsPre > 0 ? Math.min(nmsPre, grid.numAnchors(l) * numClasses) : grid.numAnchors(l) * numClasses;
        }
        float[] boxes = new float[capacity * 4];
        float[] scores = new float[capacity];
        int[] labels = new int[capacity];
        int count = 0;
        for (int l = 0; l < grid.numLevels(); l++) {
            float[] x = clsLogits[l];
            if (x.length != grid.numAnchors(l) * numClasses) {
                throw DetectionErrors.input("cls_logits level " + l + " has " + x.length + " numbers, expected "
                        + grid.numAnchors(l) * numClasses);
            }
            int n = 0;
            int[] cand = new int[x.length];
            float[] candScore = new float[x.length];
            for (int e = 0; e < x.length; e++) {
                float s = (float) (1.0 / (1.0 + Math.exp(-x[e])));
                if (s > scoreThreshold) {
                    cand[n] = e;
                    candScore[n] = s;
                    n++;
                }
            }
            int[] top = Nms.topK(Arrays.copyOf(candScore, n), nmsPre > 0 ? nmsPre : n);
            int start = grid.levelStart(l);
            for (int t : top) {
                int e = cand[t];
                int anchor = start + e / numClasses;
                coder.decode(anchors, anchor, bboxDeltas, anchor, imgShape, boxes, 4 * count);
                scores[count] = candScore[t];
                labels[count] = e % numClasses;
                count++;
            }
        }
        boxes = Arrays.copyOf(boxes, 4 * count);
        scores = Arrays.copyOf(scores, count);
        labels = Arrays.copyOf(labels, count);
        int[] keep = Nms.batched(boxes, scores, labels, nmsIou);
        int k = maxPerImage > 0 ? Math.min(maxPerImage, keep.length) : keep.length;
        float[] ob = new float[4 * k];
        float[] os = new float[k];
        int[] ol = new int[k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(boxes, 4 * keep[i], ob, 4 * i, 4);
            os[i] = scores[keep[i]];
            ol[i] = labels[keep[i]];
        }
        return new Detections(ob, os, ol);
    }
}
