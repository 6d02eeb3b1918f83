package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.assign.AssignResult;
import org.ghm4j.detection.assign.AssignerConfig;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.LevelPolicy;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.LevelCounts;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.junit.jupiter.api.Test;

/**
 * A scene small enough to check by hand: one level (stride 16), one 32 x 32 anchor per location,
 * an image of 32 (h) x 48 (w), so the feature map is 2 x 3 and there are 6 anchors, index y * 3 + x:
 * <pre>
 *   a0 [-16,-16, 16, 16]   a1 [  0,-16, 32, 16]   a2 [ 16,-16, 48, 16]
 *   a3 [-16,  0, 16, 32]   a4 [  0,  0, 32, 32]   a5 [ 16,  0, 48, 32]     (every area 1024)
 * </pre>
 * Two gt boxes, K = 2 classes: gt0 = [0, -8, 32, 24] (area 1024, class 0), gt1 = [-16, -6, 14, 18]
 * (30 x 24 = 720, class 1).
 * <pre>
 * IoU      gt0                                   gt1
 *   a0  16*24=384 / (2048-384)  = 0.230769    30*22=660 / (720+1024-660)=1084 = 0.608856
 *   a1  32*24=768 / (2048-768)  = 0.6         14*22=308 / (1744-308)=1436     = 0.214485
 *   a2  16*24=384 / 1664        = 0.230769    0 (no overlap)
 *   a3  16*24=384 / 1664        = 0.230769    30*18=540 / (1744-540)=1204     = 0.448505
 *   a4  32*24=768 / 1280        = 0.6         14*18=252 / (1744-252)=1492     = 0.168901
 *   a5  16*24=384 / 1664        = 0.230769    0
 * </pre>
 * Max IoU and assignment (pos >= 0.5, neg < 0.4): a0 0.6089 -> gt1 (label 1); a1 0.6 -> gt0 (label 0);
 * a2 0.2308 negative; a3 0.4485 ignored; a4 0.6 -> gt0; a5 0.2308 negative. Step 4: gt0's best 0.6
 * is reached by a1 and a4 (already its positives), gt1's best 0.6089 by a0. Counts: valid 6, pos 3,
 * neg 2, ignored 1.
 *
 * <p>Box targets (centre / size, no +1): a1 centre (16, 0) vs gt0 centre (16, 8), both 32 x 32:
 * [0, 8/32 = 0.25, 0, 0]; a4 centre (16, 16): [0, -0.25, 0, 0]; a0 centre (0, 0) vs gt1 centre
 * (-1, 6), 30 x 24: [-1/32 = -0.03125, 6/32 = 0.1875, ln(30/32) = -0.0645385, ln(24/32) = -0.2876821].
 */
class HandCheckedSceneTest {

    static final float[] GT = {0, -8, 32, 24, -16, -6, 14, 18};

    static TargetConfig config() {
        AnchorConfig anchors = new AnchorConfig(new int[] {16}, new double[] {1.0}, 2.0, 1, 0.0);
        return new TargetConfig(2, anchors, AssignerConfig.retinanet(), DeltaXYWHBBoxCoder.retinanet(), -1, -1);
    }

    static DetectionTargets targets() {
        return new TargetBuilder(config()).build(32, 48,
                List.of(ImageAnnotation.of(32, 48, GT, new int[] {0, 1})));
    }

    @Test
    void anchorsAssignmentAndTargetsMatchTheHandComputation() {
        DetectionTargets t = targets();
        assertArrayEquals(new float[] {-16, -16, 16, 16, 0, -16, 32, 16, 16, -16, 48, 16,
                -16, 0, 16, 32, 0, 0, 32, 32, 16, 0, 48, 32}, t.grid().boxes());
        ImageTargets it = t.image(0);
        assertArrayEquals(new int[] {1, 0, AssignResult.NEGATIVE, AssignResult.IGNORED, 0, AssignResult.NEGATIVE},
                it.assignment().assigned());
        assertArrayEquals(new float[] {0.608856f, 0.6f, 0.230769f, 0.448505f, 0.6f, 0.230769f},
                it.assignment().maxIou(), 1e-6f);
        assertArrayEquals(new float[] {0.6f, 0.608856f}, it.assignment().gtMaxIou(), 1e-6f);
        assertArrayEquals(new int[] {1, 0, 2, 2, 0, 2}, it.labels());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1}, it.labelWeights());
        assertArrayEquals(new int[] {0, 1, 4}, it.posIndex());
        assertArrayEquals(new int[] {1, 0, 0}, it.posGt());
        assertArrayEquals(new double[] {-0.03125, 0.1875, Math.log(30.0 / 32), Math.log(24.0 / 32),
                0, 0.25, 0, 0, 0, -0.25, 0, 0}, it.posTargets(), 1e-12);
        assertArrayEquals(new int[] {2, 1}, it.gtNumPos());
        assertEquals(new LevelCounts(6, 3, 2, 1, 0, 0, 0), it.counts(0));
    }

    /**
     * GHM-C, 2 bins (edges 0, 0.5, 1+1e-6), momentum 0. Logits: +2 for the true class of each
     * positive, 0 everywhere else. Valid elements: 5 anchors (a3 is ignored) x 2 classes, tot = 10.
     * The 3 positive elements have p = sigmoid(2) = 0.880797, g = 0.119203 -> bin 0; the other 7 have
     * p = 0.5, t = 0, g = 0.5 -> bin 1 (0.5 is the edge e_1). R = [3, 7], n = 2,
     * beta_0 = 10 / 3 / 2 = 1.666667, beta_1 = 10 / 7 / 2 = 0.714286.
     * loss = (3 * 1.666667 * ln(1 + e^-2) + 7 * 0.714286 * ln 2) / 10
     *      = (3 * 1.666667 * 0.126928 + 7 * 0.714286 * 0.693147) / 10 = 0.4100376.
     * Gradients: positives 1.666667 * (0.880797 - 1) / 10 = -0.0198672, the others
     * 0.714286 * 0.5 / 10 = 0.0357143, a3 (ignored) 0.
     *
     * <p>GHM-R, 1 bin, momentum 0, mu 0.02: the 3 positives' 12 deltas are predicted 0, so d = -target,
     * tot = 12, beta = 12 / 12 / 1 = 1. l = sqrt(d^2 + mu^2) - mu per delta:
     * a0: 0.0171021, 0.1685636, 0.0475664, 0.2683764; a1: 0, 0.2307987, 0, 0; a4: 0, 0.2307987, 0, 0;
     * sum 0.9632060, loss = 0.9632060 / 12 = 0.0802672. Gradient d / sqrt(d^2 + mu^2) / 12:
     * a0: 0.0701893, -0.0828633, 0.0795989, 0.0831327; a1: 0, -0.0830679, 0, 0; a4: 0, 0.0830679, 0, 0.
     */
    @Test
    void ghmLossesMatchTheHandComputation() {
        DetectionTargets t = targets();
        float[] logits = new float[6 * 2];
        logits[0 * 2 + 1] = 2f;
        logits[1 * 2 + 0] = 2f;
        logits[4 * 2 + 0] = 2f;
        try (JavaBackend backend = new JavaBackend()) {
            DetectionLoss loss = DetectionLoss.ghm(backend,
                    new GhmcConfig(2, 0.0, 1.0, Reduction.MEAN, InputKind.LOGITS),
                    new GhmrConfig(0.02, 1, 0.0, 1.0, Reduction.MEAN), LevelPolicy.PER_LEVEL);
            DetectionLossResult r = loss.compute(t, new float[][][] {{logits}}, new float[][] {new float[24]});
            assertEquals(0.4100376, r.lossCls(), 1e-7);
            assertArrayEquals(new long[] {3, 7}, r.calls().get(0).clsStats().counts());
            float g0 = -0.0198672f;
            float g1 = 0.0357143f;
            assertArrayEquals(new float[] {g1, g0, g0, g1, g1, g1, 0, 0, g0, g1, g1, g1}, r.gradCls()[0][0], 1e-7f);
            assertEquals(0.0802672, r.lossBbox(), 1e-7);
            assertEquals(12.0, r.calls().get(0).regStats().tot());
            float[] expected = new float[24];
            float[] a0 = {0.0701893f, -0.0828633f, 0.0795989f, 0.0831327f};
            System.arraycopy(a0, 0, expected, 0, 4);
            expected[4 + 1] = -0.0830679f;
            expected[16 + 1] = 0.0830679f;
            assertArrayEquals(expected, r.gradBbox()[0], 1e-7f);
        }
    }
}
