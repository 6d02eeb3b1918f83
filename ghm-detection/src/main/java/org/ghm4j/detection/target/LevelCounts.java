package org.ghm4j.detection.target;

/**
 * Anchor counts of one level (of one image or summed over a batch).
 *
 * @param valid      inside anchors (= pos + neg + ignored)
 * @param pos        positives
 * @param neg        negatives
 * @param ignored    inside anchors that are neither (IoU between the thresholds)
 * @param invalid    anchors in the padding or outside the allowed border
 * @param lowQuality positives whose max IoU is below posIouThr (made positive by the low-quality step)
 * @param reassigned positives whose max IoU is >= posIouThr but whose gt is not the first gt of that max
 */
public record LevelCounts(int valid, int pos, int neg, int ignored, int invalid, int lowQuality, int reassigned) {

    public static final LevelCounts ZERO = new LevelCounts(0, 0, 0, 0, 0, 0, 0);

    public LevelCounts plus(LevelCounts o) {
        return new LevelCounts(valid + o.valid, pos + o.pos, neg + o.neg, ignored + o.ignored, invalid + o.invalid,
                lowQuality + o.lowQuality, reassigned + o.reassigned);
    }

    /** valid + invalid, all anchors of the level. */
    public int total() {
        return valid + invalid;
    }
}
