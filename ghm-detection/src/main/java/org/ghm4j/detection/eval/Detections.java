package org.ghm4j.detection.eval;

import org.ghm4j.detection.DetectionErrors;

/**
 * Detections of one image: D boxes with a score and a class each. Arrays are shared, not copied.
 *
 * @param boxes  [D * 4] x1, y1, x2, y2
 * @param scores [D] confidence (higher first is not required)
 * @param labels [D] class in [0, K)
 */
public record Detections(float[] boxes, float[] scores, int[] labels) {

    public Detections {
        if (boxes == null || scores == null || labels == null || boxes.length != 4 * scores.length
                || labels.length != scores.length) {
            throw DetectionErrors.input("detections need boxes [D * 4], scores [D] and labels [D]; got "
                    + (boxes == null ? "null" : boxes.length) + ", " + (scores == null ? "null" : scores.length) + ", "
                    + (labels == null ? "null" : labels.length));
        }
    }

    public static Detections empty() {
        return new Detections(new float[0], new float[0], new int[0]);
    }

    public int size() {
        return scores.length;
    }
}
