package org.ghm4j.detection.eval;

import java.util.Arrays;

/**
 * Non-maximum suppression and top-k, as mmcv's {@code nms} / {@code batched_nms}: boxes are visited
 * in descending score (ties: lower index first); a box is dropped when its IoU with an already kept
 * box of the same class is > iouThreshold. IoU = inter / (area_a + area_b - inter), no +1, in float64.
 * Stateless.
 */
public final class Nms {
    private Nms() {
    }

    /**
     * Indices of the boxes kept, in descending score.
     *
     * @param boxes  [D * 4]. Not modified.
     * @param scores [D]. Not modified.
     */
    public static int[] nms(float[] boxes, float[] scores, double iouThreshold) {
        return batched(boxes, scores, null, iouThreshold);
    }

    /**
     * Per-class NMS: boxes of different labels never suppress each other. Returns the kept indices in
     * descending score over all classes.
     *
     * @param labels [D] or null (one class). Not modified.
     */
    public static int[] batched(float[] boxes, float[] scores, int[] labels, double iouThreshold) {
        int[] order = sortedByScore(scores);
        int d = order.length;
        boolean[] removed = new boolean[d];
        int[] kept = new int[d];
        int count = 0;
        for (int a = 0; a < d; a++) {
            if (removed[a]) {
                continue;
            }
            int i = order[a];
            kept[count++] = i;
            for (int b = a + 1; b < d; b++) {
                int j = order[b];
                if (!removed[b] && (labels == null || labels[i] == labels[j])
                        && iou(boxes, i, boxes, j) > iouThreshold) {
                    removed[b] = true;
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }

    /** Indices of the k highest scores, in descending score (ties: lower index first). */
    public static int[] topK(float[] scores, int k) {
        int[] order = sortedByScore(scores);
        return Arrays.copyOf(order, Math.min(k, order.length));
    }

    /** All indices sorted by descending score, ties by ascending index (a stable sort). */
    public static int[] sortedByScore(float[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Float.compare(scores[y], scores[x]));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** IoU of box i of {@code a} and box j of {@code b} ([* 4] arrays), float64, no +1; 0 when the union is 0. */
    public static double iou(float[] a, int i, float[] b, int j) {
        double w = Math.min(a[4 * i + 2], b[4 * j + 2]) - (double) Math.max(a[4 * i], b[4 * j]);
        double h = Math.min(a[4 * i + 3], b[4 * j + 3]) - (double) Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        double areaA = ((double) a[4 * i + 2] - a[4 * i]) * ((double) a[4 * i + 3] - a[4 * i + 1]);
        double areaB = ((double) b[4 * j + 2] - b[4 * j]) * ((double) b[4 * j + 3] - b[4 * j + 1]);
        double union = areaA + areaB - inter;
        return union > 0 ? inter / union : 0;
    }
}
