package org.ghm4j.detection.target;

import java.util.ArrayList;
import java.util.List;
import org.ghm4j.detection.Chunks;
import org.ghm4j.detection.DetectionErrors;
import org.ghm4j.detection.anchor.AnchorGenerator;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.assign.AssignResult;
import org.ghm4j.detection.assign.MaxIoUAssigner;

/**
 * Builds per-anchor training targets for a batch, as mmdetection's {@code AnchorHead.get_targets}
 * with a {@code PseudoSampler}: anchors of the padded batch shape, valid flags from each image's
 * pad shape, inside flags from its image shape and the allowed border, max-IoU assignment over the
 * inside anchors, labels, label weights (the valid-anchor mask) and box targets of the positives.
 *
 * <p>Input is checked first (GHM-8.4): every gt box finite with x2 > x1 and y2 > y1, every label in
 * [0, K); the error names the image and box index. The anchor grid of the last batch shape is kept,
 * so a steady stream of same-sized batches generates anchors once. Thread-safe.
 */
public final class TargetBuilder {
    private final TargetConfig config;
    private final AnchorGenerator generator;
    private final MaxIoUAssigner assigner;
    private volatile AnchorGrid lastGrid;
    private volatile int lastH = -1;
    private volatile int lastW = -1;

    public TargetBuilder(TargetConfig config) {
        this.config = config;
        this.generator = new AnchorGenerator(config.anchors());
        this.assigner = new MaxIoUAssigner(config.assigner());
    }

    public TargetConfig config() {
        return config;
    }

    public AnchorGenerator generator() {
        return generator;
    }

    /** The anchors of a batch padded to [batchHeight, batchWidth] (cached for the last shape). */
    public AnchorGrid grid(int batchHeight, int batchWidth) {
        synchronized (this) {
            if (lastGrid != null && lastH == batchHeight && lastW == batchWidth) {
                return lastGrid;
            }
            AnchorGrid g = generator.grid(batchHeight, batchWidth);
            lastGrid = g;
            lastH = batchHeight;
            lastW = batchWidth;
            return g;
        }
    }

    /**
     * Targets of a batch whose images are padded to [batchHeight, batchWidth].
     *
     * @param images one annotation per image, in batch order. Not modified.
     */
    public DetectionTargets build(int batchHeight, int batchWidth, List<ImageAnnotation> images) {
        for (int i = 0; i < images.size(); i++) {
            check(i, images.get(i));
        }
        AnchorGrid grid = grid(batchHeight, batchWidth);
        ImageTargets[] built = new ImageTargets[images.size()];
        // images are independent: one task each, results in batch order
        Chunks.run(built.length, i -> built[i] = buildImage(grid, images.get(i)));
        List<float[]> boxes = new ArrayList<>(images.size());
        for (ImageAnnotation image : images) {
            boxes.add(image.gtBoxes());
        }
        return new DetectionTargets(config, grid, List.of(built), boxes);
    }

    /** Targets of one image against {@code grid} (the image is checked as image 0). */
    public ImageTargets buildImage(AnchorGrid grid, ImageAnnotation image) {
        check(0, image);
        byte[] valid = grid.validFlags(image.padHeight(), image.padWidth());
        byte[] inside = grid.insideFlags(valid, image.imgHeight(), image.imgWidth(), config.allowedBorder());
        float[] gt = image.gtBoxes();
        AssignResult result = assigner.assign(grid, inside, gt);
        int n = grid.totalAnchors();
        int k = config.numClasses();
        int[] assigned = result.assigned();
        int[] labels = new int[n];
        float[] weights = new float[n];
        float posW = config.positiveWeight();
        float posThr = (float) config.assigner().posIouThr();
        int numGt = image.numBoxes();
        int[] gtNumPos = new int[numGt];
        LevelCounts[] counts = new LevelCounts[grid.numLevels()];
        int positives = 0;
        for (int l = 0; l < grid.numLevels(); l++) {
            int from = grid.levelStart(l);
            int to = from + grid.numAnchors(l);
            int pos = 0;
            int neg = 0;
            int ign = 0;
            int inv = 0;
            int low = 0;
            int re = 0;
            for (int j = from; j < to; j++) {
                int a = assigned[j];
                if (a >= 0) {
                    pos++;
                    labels[j] = image.gtLabels()[a];
                    weights[j] = posW;
                    gtNumPos[a]++;
                    float m = result.maxIou()[j];
                    if (m < posThr) {
                        low++;
                    } else if (result.argmax()[j] != a) {
                        re++;
                    }
                } else {
                    labels[j] = k;
                    if (a == AssignResult.NEGATIVE) {
                        neg++;
                        weights[j] = 1f;
                    } else if (a == AssignResult.IGNORED) {
                        ign++;
                    } else {
                        inv++;
                    }
                }
            }
            positives += pos;
            counts[l] = new LevelCounts(pos + neg + ign, pos, neg, ign, inv, low, re);
        }
        int[] posIndex = new int[positives];
        int[] posGt = new int[positives];
        double[] posTargets = new double[positives * 4];
        float[] anchors = grid.boxes();
        int p = 0;
        for (int j = 0; j < n; j++) {
            if (assigned[j] >= 0) {
                posIndex[p] = j;
                posGt[p] = assigned[j];
                config.coder().encode(anchors, j, gt, assigned[j], posTargets, 4 * p);
                p++;
            }
        }
        return new ImageTargets(result, labels, weights, posIndex, posGt, posTargets, gtNumPos, counts);
    }

    private void check(int index, ImageAnnotation image) {
        if (image == null) {
            throw DetectionErrors.input("image " + index + " annotation is null");
        }
        if (image.imgHeight() < 1 || image.imgWidth() < 1 || image.padHeight() < 1 || image.padWidth() < 1) {
            throw DetectionErrors.input("image " + index + " has img_shape [" + image.imgHeight() + ", "
                    + image.imgWidth() + "] and pad_shape [" + image.padHeight() + ", " + image.padWidth()
                    + "]; every size must be >= 1");
        }
        float[] b = image.gtBoxes();
        for (int g = 0; g < image.numBoxes(); g++) {
            float x1 = b[4 * g];
            float y1 = b[4 * g + 1];
            float x2 = b[4 * g + 2];
            float y2 = b[4 * g + 3];
            if (!Float.isFinite(x1) || !Float.isFinite(y1) || !Float.isFinite(x2) || !Float.isFinite(y2)) {
                throw DetectionErrors.box(index, g, x1, y1, x2, y2, "is not finite");
            }
            if (!(x2 > x1) || !(y2 > y1)) {
                throw DetectionErrors.box(index, g, x1, y1, x2, y2, "is degenerate: it needs x2 > x1 and y2 > y1");
            }
            int label = image.gtLabels()[g];
            if (label < 0 || label >= config.numClasses()) {
                throw DetectionErrors.input("image " + index + " gt_labels[" + g + "] = " + label + " is outside [0, "
                        + config.numClasses() + ") (GHM-8.4)");
            }
        }
    }
}
