package org.ghm4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.core.Ghm;
import org.ghm4j.detection.loss.BinaryCrossEntropyLoss;
import org.ghm4j.detection.loss.CallReport;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.LevelPolicy;
import org.ghm4j.detection.loss.SmoothL1Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GradientFigureDataTest {
    static GhmBackend backend;
    static DemoBatch batch;
    static DemoBatch.HeadOutputs outputs;
    static DetectionLossResult ghm;
    static DetectionLossResult bce;
    static DetectionLossResult focal;
    static GradientFigureData data;

    @BeforeAll
    static void run() {
        backend = Ghm.registry().newBackend("java", BackendOptions.defaults());
        batch = new DemoBatch(7);
        outputs = batch.headOutputs(1);
        ghm = DetectionLoss.retinanetGhm(backend).compute(batch.targets(), outputs.logits(), outputs.deltas());
        bce = new DetectionLoss(new BinaryCrossEntropyLoss(1.0), SmoothL1Loss.retinanet(), LevelPolicy.PER_LEVEL)
                .compute(batch.targets(), outputs.logits(), outputs.deltas());
        focal = DetectionLoss.retinanetFocal().compute(batch.targets(), outputs.logits(), outputs.deltas());
        Map<String, float[][][]> g = new LinkedHashMap<>();
        g.put("ce", bce.gradCls());
        g.put("focal", focal.gradCls());
        g.put("ghmc", ghm.gradCls());
        data = GradientFigureData.of(batch.targets(), outputs.logits(), 30, g, "ghmc", "ce");
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void perBinContributionsSumToTheTotalGradientNorm() {
        for (var e : Map.of("ce", bce, "focal", focal, "ghmc", ghm).entrySet()) {
            double total = 0;
            for (float[][] image : e.getValue().gradCls()) {
                for (float[] level : image) {
                    for (float v : level) {
                        total += Math.abs((double) v);
                    }
                }
            }
            assertEquals(total, data.totalContribution(e.getKey()), 1e-9 * total, e.getKey());
            double binSum = 0;
            for (double c : data.contribution(e.getKey())) {
                binSum += c;
            }
            assertEquals(data.totalContribution(e.getKey()), binSum, 0.0);
        }
    }

    @Test
    void countsAreTheBackendsBinCounts() {
        long[] backendCounts = DemoRunner.binCounts(ghm, 30);
        assertArrayEquals(backendCounts, data.counts());
        long valid = 0;
        for (CallReport c : ghm.calls()) {
            valid += c.clsStats().valid();
        }
        assertEquals(valid, data.total());
        // (positive + negative anchors) x 80 classes: ignored and invalid anchors have label weight 0
        assertEquals((long) (batch.totalCounts().pos() + batch.totalCounts().neg()) * 80, data.total());
    }

    @Test
    void sharesAddUpToOne() {
        for (String loss : data.losses()) {
            double easy = data.shareBelow(loss, 0.1);
            double outliers = data.shareFrom(loss, 0.9);
            double[] c = data.contribution(loss);
            double middle = 0;
            for (int k = 3; k < 27; k++) {
                middle += c[k];
            }
            assertEquals(1.0, easy + outliers + middle / data.totalContribution(loss), 1e-12, loss);
        }
        // The point of the figure: CE's gradient comes from the easy elements, GHM-C's mostly not.
        assertTrue(data.shareBelow("ce", 0.1) > 0.8, "CE easy share " + data.shareBelow("ce", 0.1));
        assertTrue(data.shareBelow("ghmc", 0.1) < 0.05, "GHM-C easy share " + data.shareBelow("ghmc", 0.1));
        assertTrue(data.shareFrom("ghmc", 0.9) < data.shareFrom("focal", 0.9), "GHM-C damps the outliers more");
    }

    /** One call, momentum 0: beta_k = tot / (n R_k) exactly, so the mean weight of bin k is that. */
    @Test
    void meanWeightIsTotOverNTimesCountWithoutMomentum() {
        GhmcConfig c = GhmcConfig.builder().momentum(0).build();
        DetectionLoss joint = DetectionLoss.ghm(backend, c, GhmrConfig.retinanet(), LevelPolicy.JOINT);
        DetectionLoss jointBce = new DetectionLoss(new BinaryCrossEntropyLoss(1.0), SmoothL1Loss.retinanet(),
                LevelPolicy.JOINT);
        DetectionLossResult g = joint.compute(batch.targets(), outputs.logits(), outputs.deltas());
        DetectionLossResult b = jointBce.compute(batch.targets(), outputs.logits(), outputs.deltas());
        Map<String, float[][][]> grads = new LinkedHashMap<>();
        grads.put("ce", b.gradCls());
        grads.put("ghmc", g.gradCls());
        GradientFigureData d = GradientFigureData.of(batch.targets(), outputs.logits(), 30, grads, "ghmc", "ce");
        long[] r = d.counts();
        int n = 0;
        for (long v : r) {
            n += v > 0 ? 1 : 0;
        }
        double tot = d.total();
        double[] w = d.meanWeight();
        for (int k = 0; k < 30; k++) {
            double expected = r[k] > 0 ? tot / (n * (double) r[k]) : 0;
            assertEquals(expected, w[k], 1e-5 * expected, "bin " + k);
        }
    }

    @Test
    void binsFollowTheFloat32Edges() {
        double[] e = GradientFigureData.edges(30);
        assertEquals(31, e.length);
        assertEquals((double) (1.0f + 1e-6f), e[30], 0.0);
        assertEquals((double) (3f / 30f), e[3], 0.0);
        assertEquals(0, GradientFigureData.bin(0.0, e));
        assertEquals(29, GradientFigureData.bin(1.0, e));
        assertEquals(3, GradientFigureData.bin(e[3], e));
        assertEquals(2, GradientFigureData.bin(Math.nextDown(e[3]), e));
        // 0.1 (float64) lies below float32(3) / float32(30) = 0.10000000149...
        assertEquals(2, GradientFigureData.bin(0.1, e));
    }

    @Test
    void unknownLossIsNamed() {
        var ex = assertThrows(IllegalArgumentException.class, () -> data.contribution("l2"));
        assertTrue(ex.getMessage().contains("'l2'") && ex.getMessage().contains("ghmc"), ex.getMessage());
    }
}
