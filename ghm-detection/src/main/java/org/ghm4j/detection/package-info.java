/**
 * GHM for one-stage detectors (GHM-8 of docs/spec.md), with mmdetection's RetinaNet conventions.
 *
 * <p>One training step:
 * <pre>{@code
 * TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(80));          // anchors, assigner, coder
 * DetectionLoss loss = DetectionLoss.retinanetGhm(Ghm.backend());                // GHM-C + GHM-R, PER_LEVEL
 * DetectionTargets targets = builder.build(batchH, batchW, List.of(
 *         new ImageAnnotation(imgH, imgW, padH, padW, gtBoxes, gtLabels), ...)); // per image
 * DetectionLossResult r = loss.compute(targets, clsLogits, bboxDeltas);          // [image][level], [image]
 * r.lossCls(); r.lossBbox(); r.gradCls(); r.gradBbox(); r.counts();
 * }</pre>
 *
 * <ul>
 *   <li>{@code anchor}: base anchors and grids in mmdetection's float32 arithmetic, valid and inside flags;</li>
 *   <li>{@code assign}: the max-IoU assigner (thresholds, low-quality matches, mmdetection's tie rules);</li>
 *   <li>{@code coder}: DeltaXYWHBBoxCoder encode and decode;</li>
 *   <li>{@code target}: labels, label weights (the valid-anchor mask), box targets, counts per level;</li>
 *   <li>{@code loss}: the detection loss over a {@code GhmBackend}, level policies, the focal / BCE /
 *       Smooth L1 / L1 baselines;</li>
 *   <li>{@code eval}: post-processing (score threshold, top-k, NMS) and the VOC / COCO evaluator;</li>
 *   <li>{@code conformance}: the {@code retinanet_ghm_mmdet} vector family for the testkit;</li>
 *   <li>{@code bench}: the {@code ./ghm bench --loss detection} workload.</li>
 * </ul>
 */
package org.ghm4j.detection;
