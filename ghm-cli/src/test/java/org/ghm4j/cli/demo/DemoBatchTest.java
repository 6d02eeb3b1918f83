package org.ghm4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.LevelCounts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoBatchTest {
    static DemoBatch batch;
    static DemoBatch.HeadOutputs step1;

    @BeforeAll
    static void build() {
        batch = new DemoBatch(42);
        step1 = batch.headOutputs(1);
    }

    @Test
    void retinanetGridOnA512Input() {
        AnchorGrid grid = batch.grid();
        assertEquals(5, grid.numLevels());
        // (64^2 + 32^2 + 16^2 + 8^2 + 4^2) locations x 9 anchors
        assertEquals(5456 * 9, grid.totalAnchors());
        assertEquals(2L * 5456 * 9 * 80, batch.numElements());
        assertEquals(80, batch.targets().numClasses());
    }

    @Test
    void sameSeedSameBatchAndOutputs() {
        DemoBatch again = new DemoBatch(42);
        for (int i = 0; i < DemoBatch.IMAGES; i++) {
            assertArrayEquals(batch.annotations().get(i).gtBoxes(), again.annotations().get(i).gtBoxes());
            assertArrayEquals(batch.annotations().get(i).gtLabels(), again.annotations().get(i).gtLabels());
            assertArrayEquals(batch.targets().image(i).labels(), again.targets().image(i).labels());
        }
        DemoBatch.HeadOutputs o = again.headOutputs(1);
        assertTrue(Arrays.deepEquals(step1.logits(), o.logits()));
        assertTrue(Arrays.deepEquals(step1.deltas(), o.deltas()));
    }

    /** Pinned values (Java 17 and 25 agree): the generator must not depend on the JVM. */
    @Test
    void seedFiveGivesThePinnedBatch() {
        DemoBatch five = new DemoBatch(5);
        assertArrayEquals(new float[] {23, 60, 298, 250, 23, 29, 479, 492, 219, 444, 247, 490, 33, 104, 331, 386},
                five.annotations().get(0).gtBoxes());
        assertArrayEquals(new int[] {26, 75, 42, 25}, five.annotations().get(0).gtLabels());
        DemoBatch.HeadOutputs o = five.headOutputs(1);
        float[] x = o.logits()[1][2];
        assertEquals(-5.895051f, x[0]);
        assertEquals(-5.805215f, x[1]);
        assertEquals(-5.250197f, x[12345]);
        double sum = 0;
        for (float[][] image : o.logits()) {
            for (float[] level : image) {
                for (float v : level) {
                    sum += v;
                }
            }
        }
        assertEquals(-4.7112353632042855E7, sum);
        double deltas = 0;
        for (float[] d : o.deltas()) {
            for (float v : d) {
                deltas += v;
            }
        }
        assertEquals(-48.52205470313743, deltas);
    }

    @Test
    void otherSeedOrStepGivesOtherNumbers() {
        DemoBatch other = new DemoBatch(43);
        assertFalse(Arrays.equals(batch.annotations().get(0).gtBoxes(), other.annotations().get(0).gtBoxes()));
        DemoBatch.HeadOutputs step2 = batch.headOutputs(2);
        assertFalse(Arrays.equals(step1.logits()[0][0], step2.logits()[0][0]));
        assertFalse(Arrays.equals(step1.deltas()[1], step2.deltas()[1]));
    }

    @Test
    void outputsDoNotDependOnTheThreadCount() throws Exception {
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            DemoBatch.HeadOutputs serial = one.submit(() -> batch.headOutputs(1)).get();
            assertTrue(Arrays.deepEquals(step1.logits(), serial.logits()));
            assertTrue(Arrays.deepEquals(step1.deltas(), serial.deltas()));
        } finally {
            one.shutdown();
        }
    }

    @Test
    void hasPositiveNegativeIgnoredAndInvalidAnchors() {
        LevelCounts all = batch.totalCounts();
        assertTrue(all.pos() > 0, "positives " + all);
        assertTrue(all.neg() > 0, "negatives " + all);
        assertTrue(all.ignored() > 0, "ignored " + all);
        // Invalid: image 1 is padded to 416 rows of 512, so its anchor rows from ceil(416 / s) on are
        // invalid: P3 12 of 64 rows, P4 6 of 32, P5 3 of 16, P6 1 of 8, P7 none of 4 (ceil(416/128) = 4).
        int expected = (12 * 64 + 6 * 32 + 3 * 16 + 8) * 9;
        assertEquals(9144, expected);
        assertEquals(expected, all.invalid());
        assertEquals(0, sum(batch.targets().image(0)).invalid(), "image 0 fills the input");
        assertEquals(2 * batch.grid().totalAnchors(), all.valid() + all.invalid());
    }

    @Test
    void boxesLieInsideTheirImages() {
        for (int i = 0; i < DemoBatch.IMAGES; i++) {
            var a = batch.annotations().get(i);
            assertTrue(a.numBoxes() >= 3 && a.numBoxes() <= 6, "boxes " + a.numBoxes());
            float[] b = a.gtBoxes();
            for (int g = 0; g < a.numBoxes(); g++) {
                assertTrue(b[4 * g] >= 0 && b[4 * g + 1] >= 0, "box " + g);
                assertTrue(b[4 * g + 2] <= a.imgWidth() && b[4 * g + 3] <= a.imgHeight(), "box " + g);
                assertTrue(b[4 * g + 2] > b[4 * g] && b[4 * g + 3] > b[4 * g + 1], "box " + g);
            }
        }
        assertEquals(DemoBatch.SECOND_HEIGHT, batch.annotations().get(1).imgHeight());
        assertEquals(DemoBatch.SECOND_PAD_HEIGHT, batch.annotations().get(1).padHeight());
    }

    /** Most negatives easy, a few hard negatives, some outliers among the positives and negatives. */
    @Test
    void headOutputsLookPartWayThroughTraining() {
        long valid = 0;
        long easy = 0;
        long hardNegatives = 0;
        long outlierPositives = 0;
        long confidentNegatives = 0;
        AnchorGrid grid = batch.grid();
        for (int i = 0; i < DemoBatch.IMAGES; i++) {
            ImageTargets t = batch.targets().image(i);
            for (int l = 0; l < grid.numLevels(); l++) {
                float[] x = step1.logits()[i][l];
                for (int a = 0; a < grid.numAnchors(l); a++) {
                    int j = grid.levelStart(l) + a;
                    if (!(t.labelWeights()[j] > 0)) {
                        continue;
                    }
                    for (int k = 0; k < 80; k++) {
                        double p = 1 / (1 + Math.exp(-x[a * 80 + k]));
                        boolean positive = t.labels()[j] == k;
                        double g = Math.abs(p - (positive ? 1 : 0));
                        valid++;
                        easy += g < 0.1 ? 1 : 0;
                        hardNegatives += !positive && g >= 0.3 && g < 0.9 ? 1 : 0;
                        confidentNegatives += !positive && g >= 0.9 ? 1 : 0;
                        outlierPositives += positive && g >= 0.9 ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(easy > 0.999 * valid, "easy " + easy + " of " + valid);
        assertTrue(hardNegatives > 100, "hard negatives " + hardNegatives);
        assertTrue(confidentNegatives > 100, "outlier negatives (unannotated objects) " + confidentNegatives);
        assertTrue(outlierPositives > 0 && outlierPositives < 0.25 * batch.targets().numPositives(),
                "outlier positives " + outlierPositives + " of " + batch.targets().numPositives());
    }

    @Test
    void positivesDeltasAreNearTheirTargets() {
        int close = 0;
        int total = 0;
        for (int i = 0; i < DemoBatch.IMAGES; i++) {
            ImageTargets t = batch.targets().image(i);
            for (int p = 0; p < t.numPositives(); p++) {
                for (int q = 0; q < 4; q++) {
                    double d = step1.deltas()[i][4 * t.posIndex()[p] + q] - t.posTargets()[4 * p + q];
                    close += Math.abs(d) < 0.2 ? 1 : 0;
                    total++;
                }
            }
        }
        assertTrue(close > 0.8 * total && close < total, close + " of " + total + " deltas within 0.2");
    }

    private static LevelCounts sum(ImageTargets t) {
        LevelCounts s = LevelCounts.ZERO;
        for (int l = 0; l < batch.grid().numLevels(); l++) {
            s = s.plus(t.counts(l));
        }
        return s;
    }
}
