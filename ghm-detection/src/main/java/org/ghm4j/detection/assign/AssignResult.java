package org.ghm4j.detection.assign;

/**
 * The assignment of one image's anchors. Codes in {@link #assigned()}: g >= 0 positive and matched
 * to gt g, {@link #NEGATIVE}, {@link #IGNORED}, {@link #INVALID} (not inside the allowed border or
 * in the padding). The arrays are shared with the caller, not copied.
 *
 * @param assigned [N] per anchor: gt index or a negative code
 * @param maxIou   [N] best IoU over the gts (float32, 0 for invalid anchors and images without gts)
 * @param argmax   [N] the lowest gt index reaching {@code maxIou}, -1 when there is none
 * @param gtMaxIou [G] per gt the best IoU over the image's inside anchors (0 when no anchor is inside)
 */
public record AssignResult(int[] assigned, float[] maxIou, int[] argmax, float[] gtMaxIou) {
    public static final int NEGATIVE = -1;
    public static final int IGNORED = -2;
    public static final int INVALID = -3;

    public int numAnchors() {
        return assigned.length;
    }

    public int numGts() {
        return gtMaxIou.length;
    }
}
