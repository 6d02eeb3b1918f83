package org.ghm4j.detection.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.core.Ghm;
import org.ghm4j.detection.DetectionErrors;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageTargets;

/**
 * The loss of a RetinaNet-style head (GHM-8): anchor classification (GHM-C or a baseline) over
 * anchors x classes with the valid-anchor mask, box regression (GHM-R or a baseline) over the deltas
 * of the positive anchors, fed level by level ({@link LevelPolicy#PER_LEVEL}, mmdetection's
 * AnchorHead: one call pair per level, the levels' anchors of all images concatenated image-major,
 * one shared state moving once per level) or all at once ({@link LevelPolicy#JOINT}).
 *
 * <p>Head outputs: {@code clsLogits[image][level]} flat [numAnchors(l) * K] (anchor i, class k at
 * i * K + k, anchors in the grid's location-major order) and {@code bboxDeltas[image]} flat [N * 4]
 * over all levels in grid order. The result's gradients have the same shapes.
 *
 * <p>A step is atomic: the states of both losses are snapshotted first and put back when any call
 * throws, so bad input never leaves a state moved by the levels before it (GHM-5.3). Errors name the
 * image, the level and the index (GHM-8.4). One step at a time per instance (calls are synchronized);
 * buffers for the level concatenation are kept between steps.
 */
public final class DetectionLoss {
    private final ClassificationLoss classification;
    private final RegressionLoss regression;
    private final LevelPolicy policy;
    private float[] logitsBuf = new float[0];
    private float[] gradBuf = new float[0];
    private float[] weightBuf = new float[0];
    private int[] labelBuf = new int[0];

    public DetectionLoss(ClassificationLoss classification, RegressionLoss regression, LevelPolicy policy) {
        if (classification == null || regression == null || policy == null) {
            throw new InvalidConfigException("classification, regression and policy must not be null");
        }
        this.classification = classification;
        this.regression = regression;
        this.policy = policy;
    }

    /** GHM-C and GHM-R from {@code backend} (each with its own state). */
    public static DetectionLoss ghm(GhmBackend backend, GhmcConfig ghmc, GhmrConfig ghmr, LevelPolicy policy) {
        return new DetectionLoss(new GhmClassificationLoss(backend, ghmc), new GhmRegressionLoss(backend, ghmr), policy);
    }

    /** mmdetection's retinanet_ghm recipe: GHM-C (30 bins, momentum 0.75), GHM-R (mu 0.02, 10 bins, 0.7, weight 10), PER_LEVEL. */
    public static DetectionLoss retinanetGhm(GhmBackend backend) {
        return ghm(backend, GhmcConfig.retinanet(), GhmrConfig.retinanet(), LevelPolicy.PER_LEVEL);
    }

    /** {@link #retinanetGhm(GhmBackend)} on the selected backend ({@code Ghm.backend()}, GHM-7.2). */
    public static DetectionLoss retinanetGhm() {
        return retinanetGhm(Ghm.backend());
    }

    /** The RetinaNet baseline: sigmoid focal loss (0.25, 2) and Smooth L1 (beta 0.11), PER_LEVEL. */
    public static DetectionLoss retinanetFocal() {
        return new DetectionLoss(SigmoidFocalLoss.retinanet(), SmoothL1Loss.retinanet(), LevelPolicy.PER_LEVEL);
    }

    public ClassificationLoss classification() {
        return classification;
    }

    public RegressionLoss regression() {
        return regression;
    }

    public LevelPolicy policy() {
        return policy;
    }

    /** One training step; allocates the gradient arrays. See {@link #compute(DetectionTargets, float[][][], float[][], float[][][], float[][])}. */
    public DetectionLossResult compute(DetectionTargets targets, float[][][] clsLogits, float[][] bboxDeltas) {
        return compute(targets, clsLogits, bboxDeltas, null, null);
    }

    /**
     * One training step.
     *
     * @param targets      the batch's targets. Not modified.
     * @param clsLogits    [image][level] flat [numAnchors(l) * K] logits. Not modified.
     * @param bboxDeltas   [image] flat [N * 4] predicted deltas. Not modified.
     * @param gradClsInto  null (allocate) or arrays of clsLogits' shape, overwritten
     * @param gradBboxInto null (allocate) or arrays of bboxDeltas' shape, overwritten
     */
    public synchronized DetectionLossResult compute(DetectionTargets targets, float[][][] clsLogits,
                                                    float[][] bboxDeltas, float[][][] gradClsInto,
                                                    float[][] gradBboxInto) {
        AnchorGrid grid = targets.grid();
        int images = targets.numImages();
        int levels = grid.numLevels();
        int k = targets.numClasses();
        checkOutputs(targets, clsLogits, bboxDeltas);
        float[][][] gradCls = gradClsInto != null ? gradClsInto : new float[images][levels][];
        float[][] gradBbox = gradBboxInto != null ? gradBboxInto : new float[images][];
        for (int i = 0; i < images; i++) {
            for (int l = 0; l < levels; l++) {
                int size = grid.numAnchors(l) * k;
                if (gradCls[i][l] == null) {
                    gradCls[i][l] = new float[size];
                } else if (gradCls[i][l].length != size) {
                    throw DetectionErrors.input("gradClsInto[" + i + "][" + l + "] has " + gradCls[i][l].length
                            + " elements, expected " + size);
                }
            }
            int size = grid.totalAnchors() * 4;
            if (gradBbox[i] == null) {
                gradBbox[i] = new float[size];
            } else if (gradBbox[i].length != size) {
                throw DetectionErrors.input("gradBboxInto[" + i + "] has " + gradBbox[i].length + " elements, expected "
                        + size);
            } else {
                Arrays.fill(gradBbox[i], 0f);
            }
        }
        List<int[]> groups = new ArrayList<>();
        if (policy == LevelPolicy.PER_LEVEL) {
            for (int l = 0; l < levels; l++) {
                groups.add(new int[] {l});
            }
        } else {
            int[] all = new int[levels];
            for (int l = 0; l < levels; l++) {
                all[l] = l;
            }
            groups.add(all);
        }
        double avgFactor = targets.avgFactor();
        DensityState clsBefore = classification.snapshotState();
        DensityState regBefore = regression.snapshotState();
        List<CallReport> reports = new ArrayList<>(groups.size());
        double lossCls = 0;
        double lossBbox = 0;
        try {
            for (int[] group : groups) {
                double c = classify(targets, group, clsLogits, gradCls, avgFactor);
                DensityState cAfter = classification.snapshotState();
                int[] positives = new int[1];
                double r = regress(targets, group, bboxDeltas, gradBbox, avgFactor, positives);
                reports.add(new CallReport(group.clone(), c, classification.lastStats(), cAfter, r,
                        regression.lastStats(), regression.snapshotState(), positives[0]));
                lossCls += c;
                lossBbox += r;
            }
        } catch (RuntimeException e) {
            if (clsBefore != null) {
                classification.restoreState(clsBefore);
            }
            if (regBefore != null) {
                regression.restoreState(regBefore);
            }
            throw e;
        }
        return new DetectionLossResult(lossCls, lossBbox, gradCls, gradBbox, reports, targets.countsPerLevel());
    }

    private double classify(DetectionTargets targets, int[] group, float[][][] clsLogits, float[][][] gradCls,
                            double avgFactor) {
        AnchorGrid grid = targets.grid();
        int images = targets.numImages();
        int k = targets.numClasses();
        int n = 0;
        for (int l : group) {
            n += grid.numAnchors(l) * images;
        }
        try {
            if (group.length == 1 && images == 1) {
                int l = group[0];
                ImageTargets t = targets.image(0);
                ClassificationCall call = new ClassificationCall(clsLogits[0][l], 0, t.labels(), grid.levelStart(l),
                        t.labelWeights(), grid.levelStart(l), n, k, avgFactor);
                return classification.compute(call, gradCls[0][l], 0);
            }
            int size = n * k;
            if (logitsBuf.length < size) {
                logitsBuf = new float[size];
                gradBuf = new float[size];
            }
            if (labelBuf.length < n) {
                labelBuf = new int[n];
                weightBuf = new float[n];
            }
            int at = 0;
            for (int l : group) {
                int count = grid.numAnchors(l);
                for (int i = 0; i < images; i++) {
                    ImageTargets t = targets.image(i);
                    System.arraycopy(clsLogits[i][l], 0, logitsBuf, at * k, count * k);
                    System.arraycopy(t.labels(), grid.levelStart(l), labelBuf, at, count);
                    System.arraycopy(t.labelWeights(), grid.levelStart(l), weightBuf, at, count);
                    at += count;
                }
            }
            double loss = classification.compute(
                    new ClassificationCall(logitsBuf, 0, labelBuf, 0, weightBuf, 0, n, k, avgFactor), gradBuf, 0);
            at = 0;
            for (int l : group) {
                int count = grid.numAnchors(l);
                for (int i = 0; i < images; i++) {
                    System.arraycopy(gradBuf, at * k, gradCls[i][l], 0, count * k);
                    at += count;
                }
            }
            return loss;
        } catch (InvalidInputException e) {
            throw locateNonFinite(targets, group, clsLogits, e);
        }
    }

    private double regress(DetectionTargets targets, int[] group, float[][] bboxDeltas, float[][] gradBbox,
                           double avgFactor, int[] positives) {
        AnchorGrid grid = targets.grid();
        int images = targets.numImages();
        int p = 0;
        int[][] ranges = new int[group.length * images][];
        int s = 0;
        for (int l : group) {
            int from = grid.levelStart(l);
            int to = from + grid.numAnchors(l);
            for (int i = 0; i < images; i++) {
                int[] idx = targets.image(i).posIndex();
                int a = lowerBound(idx, from);
                int b = lowerBound(idx, to);
                ranges[s++] = new int[] {i, a, b};
                p += b - a;
            }
        }
        float[] pred = new float[4 * p];
        double[] target = new double[4 * p];
        int at = 0;
        for (int[] r : ranges) {
            ImageTargets t = targets.image(r[0]);
            for (int q = r[1]; q < r[2]; q++) {
                System.arraycopy(bboxDeltas[r[0]], 4 * t.posIndex()[q], pred, 4 * at, 4);
                System.arraycopy(t.posTargets(), 4 * q, target, 4 * at, 4);
                at++;
            }
        }
        float[] grad = new float[4 * p];
        double loss = regression.compute(new RegressionCall(pred, target, p, avgFactor), grad);
        at = 0;
        for (int[] r : ranges) {
            ImageTargets t = targets.image(r[0]);
            for (int q = r[1]; q < r[2]; q++) {
                System.arraycopy(grad, 4 * at, gradBbox[r[0]], 4 * t.posIndex()[q], 4);
                at++;
            }
        }
        positives[0] = p;
        return loss;
    }

    private static int lowerBound(int[] sorted, int key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Re-words a loss's non-finite error with image, level, anchor and class; other errors pass through. */
    private static RuntimeException locateNonFinite(DetectionTargets targets, int[] group, float[][][] clsLogits,
                                                    InvalidInputException cause) {
        int k = targets.numClasses();
        for (int l : group) {
            for (int i = 0; i < targets.numImages(); i++) {
                float[] x = clsLogits[i][l];
                for (int e = 0; e < x.length; e++) {
                    if (!Float.isFinite(x[e])) {
                        InvalidInputException located = DetectionErrors.nonFinite("cls_logits", i, l, e / k, e % k, x[e]);
                        located.initCause(cause);
                        return located;
                    }
                }
            }
        }
        return cause;
    }

    private static void checkOutputs(DetectionTargets targets, float[][][] clsLogits, float[][] bboxDeltas) {
        AnchorGrid grid = targets.grid();
        int images = targets.numImages();
        int k = targets.numClasses();
        if (clsLogits == null || clsLogits.length != images) {
            throw DetectionErrors.input("cls_logits has " + (clsLogits == null ? "no" : clsLogits.length)
                    + " images but the targets have " + images);
        }
        if (bboxDeltas == null || bboxDeltas.length != images) {
            throw DetectionErrors.input("bbox_deltas has " + (bboxDeltas == null ? "no" : bboxDeltas.length)
                    + " images but the targets have " + images);
        }
        for (int i = 0; i < images; i++) {
            if (clsLogits[i] == null || clsLogits[i].length != grid.numLevels()) {
                throw DetectionErrors.input("cls_logits of image " + i + " has "
                        + (clsLogits[i] == null ? "no" : clsLogits[i].length) + " levels but the anchors have "
                        + grid.numLevels());
            }
            for (int l = 0; l < grid.numLevels(); l++) {
                int expected = grid.numAnchors(l) * k;
                float[] x = clsLogits[i][l];
                if (x == null || x.length != expected) {
                    int len = x == null ? 0 : x.length;
                    throw DetectionErrors.input("cls_logits of image " + i + ", level " + l + " has " + len
                            + " numbers but level " + l + " has " + grid.numAnchors(l) + " anchors (featmap "
                            + Arrays.toString(grid.featmapSize(l)) + " x " + grid.numBaseAnchors() + " base anchors) x "
                            + k + " classes = " + expected + " numbers");
                }
            }
            float[] d = bboxDeltas[i];
            int expected = grid.totalAnchors() * 4;
            if (d == null || d.length != expected) {
                throw DetectionErrors.input("bbox_deltas of image " + i + " has " + (d == null ? 0 : d.length)
                        + " numbers but the image has " + grid.totalAnchors() + " anchors, so " + expected
                        + " numbers (4 per anchor, levels in order) are needed");
            }
            for (int e = 0; e < d.length; e++) {
                if (!Float.isFinite(d[e])) {
                    int j = e / 4;
                    int l = grid.levelOf(j);
                    throw DetectionErrors.nonFinite("bbox_deltas", i, l, j - grid.levelStart(l), e % 4, d[e]);
                }
            }
        }
    }
}
