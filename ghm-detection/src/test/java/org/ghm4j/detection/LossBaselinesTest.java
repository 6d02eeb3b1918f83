package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.ghm4j.detection.loss.BinaryCrossEntropyLoss;
import org.ghm4j.detection.loss.ClassificationCall;
import org.ghm4j.detection.loss.ClassificationLoss;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.GhmClassificationLoss;
import org.ghm4j.detection.loss.L1Loss;
import org.ghm4j.detection.loss.LevelPolicy;
import org.ghm4j.detection.loss.RegressionCall;
import org.ghm4j.detection.loss.SigmoidFocalLoss;
import org.ghm4j.detection.loss.SmoothL1Loss;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.junit.jupiter.api.Test;

class LossBaselinesTest {

    /** x = 0, t = 1: p = 0.5, pt = 0.5, a_t = 0.25: l = 0.25 * 0.25 * ln 2 = 0.0433217 (avgFactor 1). */
    @Test
    void focalLossValueAtZero() {
        float[] grad = new float[2];
        ClassificationCall call = new ClassificationCall(new float[] {0f, 0f}, 0, new int[] {0}, 0, new float[] {1f}, 0,
                1, 2, 1.0);
        double loss = SigmoidFocalLoss.retinanet().compute(call, grad, 0);
        // class 0: t = 1, 0.0433217; class 1: t = 0, a_t = 0.75, pt = 0.5: 0.75 * 0.25 * ln 2 = 0.1299651
        assertEquals(0.25 * 0.25 * Math.log(2) + 0.75 * 0.25 * Math.log(2), loss, 1e-12);
        // d/dx at x = 0, t = 1: a_t [pt^2 (p - t) + 2 pt (1 - 2t) p (1 - p) BCE] = 0.25 [0.25 * -0.5 + 2 * 0.5 * -1 * 0.25 * ln 2]
        assertEquals(0.25 * (-0.125 - 0.25 * Math.log(2)), grad[0], 1e-7);
    }

    @Test
    void focalAndBceGradientsMatchFiniteDifferences() {
        Random random = new Random(3);
        int n = 40;
        int k = 3;
        float[] x = new float[n * k];
        int[] labels = new int[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(k + 1);
            w[i] = random.nextInt(5) == 0 ? 0f : 1f;
            for (int c = 0; c < k; c++) {
                x[i * k + c] = (float) (3 * random.nextGaussian());
            }
        }
        for (ClassificationLoss loss : List.of(SigmoidFocalLoss.retinanet(), new SigmoidFocalLoss(0.4, 1.5, 2.0),
                new BinaryCrossEntropyLoss(1.0))) {
            float[] grad = new float[n * k];
            loss.compute(new ClassificationCall(x, 0, labels, 0, w, 0, n, k, 7.0), grad, 0);
            for (int e = 0; e < n * k; e += 7) {
                float[] xp = x.clone();
                float[] xm = x.clone();
                float h = 1e-2f;
                xp[e] += h;
                xm[e] -= h;
                double fp = loss.compute(new ClassificationCall(xp, 0, labels, 0, w, 0, n, k, 7.0), new float[n * k], 0);
                double fm = loss.compute(new ClassificationCall(xm, 0, labels, 0, w, 0, n, k, 7.0), new float[n * k], 0);
                double fd = (fp - fm) / ((double) xp[e] - xm[e]);
                assertEquals(fd, grad[e], 1e-4 * Math.max(1e-2, Math.abs(fd)), loss.name() + " element " + e);
            }
        }
    }

    @Test
    void smoothL1AndL1FollowTheirFormulas() {
        // d = 0.05 < beta = 0.11: 0.5 * 0.0025 / 0.11; d = -0.5: 0.5 - 0.055; avgFactor 2
        RegressionCall call = new RegressionCall(new float[] {0.05f, -0.5f, 0, 0}, new double[] {0, 0, 0, 0}, 1, 2.0);
        float[] grad = new float[4];
        double v = SmoothL1Loss.retinanet().compute(call, grad);
        assertEquals((0.5 * 0.05f * 0.05f / 0.11 + 0.5 - 0.055) / 2, v, 1e-9);
        assertArrayEquals(new float[] {(float) (0.05f / 0.11 / 2), -0.5f, 0, 0}, grad, 1e-7f);
        v = new L1Loss(1.0).compute(call, grad);
        assertEquals((0.05f + 0.5) / 2, v, 1e-9);
        assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0}, grad);
    }

    /** With 0/1 weights, plain BCE is GHM-C with one bin and momentum 0 (every beta is 1). */
    @Test
    void bceEqualsGhmcWithOneBinAndNoMomentum() throws Exception {
        JsonNode c = new ObjectMapper().readTree(getClass().getResource("/org/ghm4j/detection/vectors/det/d02_two_images_pad_invalid.json"));
        Scene s = Scene.of(c, 0);
        try (JavaBackend backend = new JavaBackend()) {
            DetectionLoss ghm = new DetectionLoss(
                    new GhmClassificationLoss(backend, new GhmcConfig(1, 0.0, 1.0, Reduction.MEAN, InputKind.LOGITS)),
                    new L1Loss(1.0), LevelPolicy.PER_LEVEL);
            DetectionLoss bce = new DetectionLoss(new BinaryCrossEntropyLoss(1.0), new L1Loss(1.0), LevelPolicy.PER_LEVEL);
            DetectionLossResult a = ghm.compute(s.targets, s.logits, s.deltas);
            DetectionLossResult b = bce.compute(s.targets, s.logits, s.deltas);
            // GHM-C on the float32 vector kernels (VectorSupport): 1e-6; float64 kernels: 1e-9
            assertEquals(a.lossCls(), b.lossCls(), (VectorSupport.ENABLED ? 1e-6 : 1e-9) * a.lossCls());
            for (int i = 0; i < 2; i++) {
                for (int l = 0; l < 5; l++) {
                    assertArrayEquals(a.gradCls()[i][l], b.gradCls()[i][l], 1e-8f);
                }
            }
        }
    }

    /** Focal and Smooth L1 divide by the batch's avg factor, so PER_LEVEL and JOINT give the same step. */
    @Test
    void baselinesGiveTheSameStepPerLevelAndJoint() throws Exception {
        JsonNode c = new ObjectMapper().readTree(getClass().getResource("/org/ghm4j/detection/vectors/det/d09_joint_two_images.json"));
        Scene s = Scene.of(c, 0);
        DetectionLossResult a = new DetectionLoss(SigmoidFocalLoss.retinanet(), SmoothL1Loss.retinanet(),
                LevelPolicy.PER_LEVEL).compute(s.targets, s.logits, s.deltas);
        DetectionLossResult b = new DetectionLoss(SigmoidFocalLoss.retinanet(), SmoothL1Loss.retinanet(),
                LevelPolicy.JOINT).compute(s.targets, s.logits, s.deltas);
        assertEquals(5, a.calls().size());
        assertEquals(1, b.calls().size());
        assertEquals(a.lossCls(), b.lossCls(), 1e-12 * a.lossCls());
        assertEquals(a.lossBbox(), b.lossBbox(), 1e-12 * a.lossBbox());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.gradBbox()[i], b.gradBbox()[i]);
            for (int l = 0; l < 5; l++) {
                assertArrayEquals(a.gradCls()[i][l], b.gradCls()[i][l]);
            }
        }
        // focal's normalizer: avg factor = sum over images of max(P_i, 1)
        assertEquals(s.targets.image(0).numPositives() + s.targets.image(1).numPositives(), s.targets.avgFactor());
    }

    /** GHM under JOINT makes one call pair per step over every level (tot = all valid anchors x K). */
    @Test
    void ghmJointMakesOneCallOverEveryAnchor() throws Exception {
        JsonNode c = new ObjectMapper().readTree(getClass().getResource("/org/ghm4j/detection/vectors/det/d09_joint_two_images.json"));
        Scene s = Scene.of(c, 0);
        try (JavaBackend backend = new JavaBackend()) {
            DetectionLossResult r = DetectionLoss.ghm(backend, GhmcConfig.retinanet(), GhmrConfig.retinanet(),
                    LevelPolicy.JOINT).compute(s.targets, s.logits, s.deltas);
            long valid = 0;
            for (int l = 0; l < 5; l++) {
                valid += s.targets.counts(l).pos() + s.targets.counts(l).neg(); // ignored anchors have weight 0
            }
            assertEquals(valid * s.targets.numClasses(), (long) r.calls().get(0).clsStats().tot());
            assertEquals(4.0 * s.targets.numPositives(), r.calls().get(0).regStats().tot());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4}, r.calls().get(0).levels());
        }
    }

    /** Step {@code step} of a vector file as targets and head outputs. */
    record Scene(DetectionTargets targets, float[][][] logits, float[][] deltas) {
        static Scene of(JsonNode c, int step) {
            TargetConfig config = org.ghm4j.detection.conformance.DetectionVectorFamily.targetConfig(c.get("settings"));
            JsonNode in = c.get("steps").get(step).get("inputs");
            List<ImageAnnotation> images = new java.util.ArrayList<>();
            for (JsonNode im : in.get("images")) {
                float[] boxes = new float[im.get("gt_bboxes").size() * 4];
                int b = 0;
                for (JsonNode box : im.get("gt_bboxes")) {
                    for (JsonNode v : box) {
                        boxes[b++] = (float) v.asDouble();
                    }
                }
                int[] labels = new int[im.get("gt_labels").size()];
                for (int g = 0; g < labels.length; g++) {
                    labels[g] = im.get("gt_labels").get(g).asInt();
                }
                images.add(new ImageAnnotation(im.get("img_shape").get(0).asInt(), im.get("img_shape").get(1).asInt(),
                        im.get("pad_shape").get(0).asInt(), im.get("pad_shape").get(1).asInt(), boxes, labels));
            }
            DetectionTargets t = new TargetBuilder(config).build(in.get("batch_input_shape").get(0).asInt(),
                    in.get("batch_input_shape").get(1).asInt(), images);
            float[][][] logits = new float[t.numImages()][5][];
            float[][] deltas = new float[t.numImages()][t.grid().totalAnchors() * 4];
            for (int i = 0; i < t.numImages(); i++) {
                for (int l = 0; l < 5; l++) {
                    JsonNode x = in.get("cls_logits").get(i).get(l);
                    logits[i][l] = new float[x.size()];
                    for (int e = 0; e < x.size(); e++) {
                        logits[i][l][e] = (float) x.get(e).asDouble();
                    }
                }
                for (JsonNode row : in.get("bbox_deltas").get(i)) {
                    int flat = t.grid().levelStart(row.get(0).asInt()) + row.get(1).asInt();
                    for (int q = 0; q < 4; q++) {
                        deltas[i][4 * flat + q] = (float) row.get(2 + q).asDouble();
                    }
                }
            }
            return new Scene(t, logits, deltas);
        }
    }
}
