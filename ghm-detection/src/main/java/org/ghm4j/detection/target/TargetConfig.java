package org.ghm4j.detection.target;

import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.assign.AssignerConfig;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;

/**
 * Everything target building needs (mmdetection's anchor generator + train_cfg of RetinaNet).
 *
 * @param numClasses    K >= 1; labels are 0..K-1 and K means background
 * @param anchors       anchor settings
 * @param assigner      max-IoU assigner settings
 * @param coder         box coder
 * @param allowedBorder b < 0: every valid anchor is inside; b >= 0: also x1 >= -b, y1 >= -b,
 *                      x2 < img_w + b, y2 < img_h + b (RetinaNet: -1)
 * @param posWeight     label weight of a positive anchor; <= 0 means 1 (mmdetection's pos_weight -1)
 */
public record TargetConfig(int numClasses, AnchorConfig anchors, AssignerConfig assigner, DeltaXYWHBBoxCoder coder,
                           int allowedBorder, double posWeight) {

    public TargetConfig {
        if (numClasses < 1) {
            throw new InvalidConfigException("numClasses must be >= 1, got " + numClasses);
        }
        if (anchors == null || assigner == null || coder == null) {
            throw new InvalidConfigException("anchors, assigner and coder must not be null");
        }
        if (!Double.isFinite(posWeight)) {
            throw new InvalidConfigException("posWeight must be finite, got " + posWeight);
        }
    }

    /** RetinaNet in mmdetection with {@code numClasses} classes. */
    public static TargetConfig retinanet(int numClasses) {
        return new TargetConfig(numClasses, AnchorConfig.retinanet(), AssignerConfig.retinanet(),
                DeltaXYWHBBoxCoder.retinanet(), -1, -1.0);
    }

    public TargetConfig withAllowedBorder(int border) {
        return new TargetConfig(numClasses, anchors, assigner, coder, border, posWeight);
    }

    public TargetConfig withCoder(DeltaXYWHBBoxCoder newCoder) {
        return new TargetConfig(numClasses, anchors, assigner, newCoder, allowedBorder, posWeight);
    }

    public TargetConfig withAssigner(AssignerConfig newAssigner) {
        return new TargetConfig(numClasses, anchors, newAssigner, coder, allowedBorder, posWeight);
    }

    /** The label weight of positive anchors: posWeight, or 1 when posWeight <= 0. */
    public float positiveWeight() {
        return posWeight > 0 ? (float) posWeight : 1f;
    }
}
