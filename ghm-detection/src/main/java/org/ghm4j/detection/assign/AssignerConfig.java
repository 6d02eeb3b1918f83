package org.ghm4j.detection.assign;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * Settings of the max-IoU assigner (mmdetection's {@code MaxIoUAssigner}). Thresholds are compared
 * in float32 with float32 IoUs, as PyTorch compares a float32 tensor with a Python number.
 *
 * @param posIouThr        an anchor whose max IoU is >= this is positive (RetinaNet 0.5)
 * @param negIouMin        lower end of the negative range (0: mmdetection's single-number form)
 * @param negIouThr        an anchor whose max IoU is in [negIouMin, negIouThr) is negative (RetinaNet 0.4)
 * @param minPosIou        a gt's best anchors are made positive when its best IoU is >= this (0)
 * @param gtMaxAssignAll   make every anchor tied at a gt's best IoU positive, not only the first (true)
 * @param matchLowQuality  run the low-quality step 4 at all (true)
 * @param iouEps           the floor of the IoU denominator (1e-6)
 */
public record AssignerConfig(double posIouThr, double negIouMin, double negIouThr, double minPosIou,
                             boolean gtMaxAssignAll, boolean matchLowQuality, double iouEps) {

    public AssignerConfig {
        check("posIouThr", posIouThr);
        check("negIouMin", negIouMin);
        check("negIouThr", negIouThr);
        check("minPosIou", minPosIou);
        if (negIouMin > negIouThr) {
            throw new InvalidConfigException("negIouMin " + negIouMin + " must be <= negIouThr " + negIouThr);
        }
        if (!(iouEps > 0) || !Double.isFinite(iouEps)) {
            throw new InvalidConfigException("iouEps must be finite and > 0, got " + iouEps);
        }
    }

    /** RetinaNet: pos 0.5, neg [0, 0.4), min_pos_iou 0, gt_max_assign_all, low-quality matches, eps 1e-6. */
    public static AssignerConfig retinanet() {
        return new AssignerConfig(0.5, 0.0, 0.4, 0.0, true, true, 1e-6);
    }

    private static void check(String name, double v) {
        if (!Double.isFinite(v) || v < 0 || v > 1) {
            throw new InvalidConfigException(name + " must be in [0, 1], got " + v);
        }
    }
}
