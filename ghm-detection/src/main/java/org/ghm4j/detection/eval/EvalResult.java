package org.ghm4j.detection.eval;

/**
 * What {@link DetectionEvaluator} measured. Per-class arrays hold NaN for a class without any gt box
 * (such classes are left out of the means, as both VOC and COCO do).
 *
 * @param map50         VOC-style mAP at IoU 0.5: mean over classes of the area under the interpolated
 *                      (monotone envelope) precision-recall curve ("area" mode of VOC2010+ / mmdetection)
 * @param ap50PerClass  [K] that AP per class
 * @param cocoAp        COCO-style AP: mean over classes and the IoU thresholds 0.50, 0.55, ..., 0.95 of the
 *                      101-point interpolated AP (at most 100 detections per image and class)
 * @param cocoAp50      COCO-style AP at IoU 0.5 alone
 * @param cocoAp75      COCO-style AP at IoU 0.75 alone
 * @param cocoPerClass  [K] COCO-style AP per class (mean over the 10 thresholds)
 * @param numGts        [K] gt boxes per class
 */
public record EvalResult(double map50, double[] ap50PerClass, double cocoAp, double cocoAp50, double cocoAp75,
                         double[] cocoPerClass, int[] numGts) {
}
