package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.ghm4j.detection.anchor.AnchorGenerator;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.assign.AssignResult;
import org.ghm4j.detection.assign.AssignerConfig;
import org.ghm4j.detection.assign.MaxIoUAssigner;
import org.junit.jupiter.api.Test;

class MaxIoUAssignerTest {
    private static final int NEG = AssignResult.NEGATIVE;
    private static final int IGN = AssignResult.IGNORED;
    private final MaxIoUAssigner assigner = new MaxIoUAssigner(AssignerConfig.retinanet());

    private AssignResult assign(float[] anchors, float[] gts) {
        return assign(anchors, null, gts);
    }

    private AssignResult assign(float[] anchors, byte[] inside, float[] gts) {
        int n = anchors.length / 4;
        float[] x1 = new float[n];
        float[] y1 = new float[n];
        float[] x2 = new float[n];
        float[] y2 = new float[n];
        float[] area = new float[n];
        for (int j = 0; j < n; j++) {
            x1[j] = anchors[4 * j];
            y1[j] = anchors[4 * j + 1];
            x2[j] = anchors[4 * j + 2];
            y2[j] = anchors[4 * j + 3];
            area[j] = (x2[j] - x1[j]) * (y2[j] - y1[j]);
        }
        if (inside == null) {
            inside = new byte[n];
            Arrays.fill(inside, (byte) 1);
        }
        return assigner.assign(x1, y1, x2, y2, area, inside, gts);
    }

    @Test
    void iouOfExactlyHalfIsPositiveAndOfExactlyPointFourIsIgnored() {
        // gt0 [0,0,10,5]: anchor 0 [0,0,10,10] IoU 50/100 = 0.5 exactly -> positive in step 3
        // gt1 [20,0,30,4]: anchor 1 [20,0,30,10] IoU 40/100 = 0.4 exactly -> not negative (ignored);
        // anchor 2 [20,0,30,4.5] IoU 40/45 is gt1's best, so step 4 leaves anchor 1 alone.
        AssignResult r = assign(new float[] {0, 0, 10, 10, 20, 0, 30, 10, 20, 0, 30, 4.5f},
                new float[] {0, 0, 10, 5, 20, 0, 30, 4});
        assertArrayEquals(new int[] {0, IGN, 1}, r.assigned());
        assertArrayEquals(new float[] {0.5f, 0.4f, 40f / 45f}, r.maxIou());
    }

    @Test
    void stepThreeTiesGoToTheLowestGtIndex() {
        // X [0,0,10,10] has IoU 0.6 with gt0 [0,0,10,6] and with gt1 [0,4,10,10]; Y = gt0 and Z = gt1
        // are each gt's best (IoU 1), so step 4 does not touch X.
        AssignResult r = assign(new float[] {0, 0, 10, 10, 0, 0, 10, 6, 0, 4, 10, 10},
                new float[] {0, 0, 10, 6, 0, 4, 10, 10});
        assertEquals(0, r.assigned()[0]);
        assertEquals(0, r.argmax()[0]);
        assertArrayEquals(new int[] {0, 0, 1}, r.assigned());
    }

    @Test
    void stepFourLetsTheLaterGtWinAndTakesEveryTiedAnchor() {
        // anchors A0 [0,0,10,10], A1 [100,0,120,20], A2 [110,0,130,20], A3 [300,300,320,320];
        // gt0 = gt1 = [0,0,10,10], gt2 = [110,5,120,15] (area 100, inside A1 and A2: IoU 100/400 = 0.25 each).
        // A0: IoU 1 with gt0 and gt1 -> step 3 gives gt0 (lowest index); step 4 gives it to gt0, then to
        // gt1, which wins. A1 and A2 tie at gt2's best IoU 0.25 (< 0.4) and both become gt2's
        // (gt_max_assign_all). A3 overlaps nothing: negative.
        AssignResult r = assign(new float[] {0, 0, 10, 10, 100, 0, 120, 20, 110, 0, 130, 20, 300, 300, 320, 320},
                new float[] {0, 0, 10, 10, 0, 0, 10, 10, 110, 5, 120, 15});
        assertArrayEquals(new int[] {1, 2, 2, NEG}, r.assigned());
        assertEquals(0, r.argmax()[0]);
        assertArrayEquals(new float[] {1f, 1f, 0.25f}, r.gtMaxIou());
    }

    @Test
    void aGtThatOverlapsNoAnchorTakesEveryAnchorAsMmdetectionDoes() {
        // mmdetection's quirk, kept on purpose (README-det.md step 4): with min_pos_iou 0 a gt whose best
        // IoU is 0 matches every inside anchor of IoU 0 with it.
        AssignResult r = assign(new float[] {0, 0, 10, 10, 20, 0, 30, 10}, new float[] {0, 0, 10, 10, 500, 500, 510, 510});
        assertArrayEquals(new int[] {1, 1}, r.assigned());
    }

    @Test
    void noGtMeansOnlyNegativesAndInvalidStaysInvalid() {
        AssignResult r = assign(new float[] {0, 0, 10, 10, 5, 5, 15, 15}, new byte[] {1, 0}, new float[0]);
        assertArrayEquals(new int[] {NEG, AssignResult.INVALID}, r.assigned());
    }

    @Test
    void invalidAnchorsTakeNoPartInAGtsBestIou() {
        // anchor 1 is the gt's perfect match but invalid: the best inside IoU is anchor 0's 0.25
        AssignResult r = assign(new float[] {0, 0, 20, 20, 5, 5, 15, 15}, new byte[] {1, 0},
                new float[] {5, 5, 15, 15});
        assertArrayEquals(new int[] {0, AssignResult.INVALID}, r.assigned());
        assertArrayEquals(new float[] {0.25f}, r.gtMaxIou());
    }

    /** The chunked two-pass assigner against a direct transcription of MaxIoUAssigner with a G x N matrix. */
    @Test
    void matchesADirectReferenceOnRandomScenes() {
        AnchorGrid grid = AnchorGenerator.retinanet().grid(320, 480);
        Random random = new Random(7);
        for (int scene = 0; scene < 8; scene++) {
            int g = 1 + random.nextInt(30);
            float[] gts = new float[4 * g];
            for (int i = 0; i < g; i++) {
                float w = 8 + random.nextInt(200);
                float h = 8 + random.nextInt(200);
                float x = random.nextInt(480) - 20 + 0.5f * random.nextInt(2);
                float y = random.nextInt(320) - 20;
                gts[4 * i] = x;
                gts[4 * i + 1] = y;
                gts[4 * i + 2] = x + w;
                gts[4 * i + 3] = y + h;
            }
            if (scene == 3) {
                gts[0] = 2000; // a gt beyond every anchor: best IoU 0 (mmdetection's step-4 quirk)
                gts[1] = 2000;
                gts[2] = 2010;
                gts[3] = 2010;
            }
            byte[] inside = grid.insideFlags(grid.validFlags(320, 300 + 40 * scene), 320, 480, scene % 2 == 0 ? -1 : 8);
            AssignResult r = assigner.assign(grid, inside, gts);
            int[] expected = reference(grid, inside, gts);
            assertArrayEquals(expected, r.assigned(), "scene " + scene + " (windowed grid path)");
            AssignResult flat = assigner.assign(grid.x1(), grid.y1(), grid.x2(), grid.y2(), grid.area(), inside, gts);
            assertArrayEquals(expected, flat.assigned(), "scene " + scene + " (chunked array path)");
            assertArrayEquals(flat.maxIou(), r.maxIou());
            assertArrayEquals(flat.argmax(), r.argmax());
            assertArrayEquals(flat.gtMaxIou(), r.gtMaxIou());
        }
    }

    private static int[] reference(AnchorGrid grid, byte[] inside, float[] gts) {
        int n = grid.totalAnchors();
        int g = gts.length / 4;
        float[][] ov = new float[g][n];
        for (int i = 0; i < g; i++) {
            float ga = (gts[4 * i + 2] - gts[4 * i]) * (gts[4 * i + 3] - gts[4 * i + 1]);
            for (int j = 0; j < n; j++) {
                ov[i][j] = MaxIoUAssigner.iou(grid.x1()[j], grid.y1()[j], grid.x2()[j], grid.y2()[j], grid.area()[j],
                        gts[4 * i], gts[4 * i + 1], gts[4 * i + 2], gts[4 * i + 3], ga, (float) 1e-6);
            }
        }
        int[] out = new int[n];
        float[] gtMax = new float[g];
        Arrays.fill(gtMax, -1);
        for (int j = 0; j < n; j++) {
            if (inside[j] == 0) {
                out[j] = AssignResult.INVALID;
                continue;
            }
            float m = -1;
            int arg = -1;
            for (int i = 0; i < g; i++) {
                if (ov[i][j] > m) {
                    m = ov[i][j];
                    arg = i;
                }
                gtMax[i] = Math.max(gtMax[i], ov[i][j]);
            }
            out[j] = IGN;
            if (m >= 0 && m < 0.4f) {
                out[j] = NEG;
            }
            if (m >= 0.5f) {
                out[j] = arg;
            }
        }
        for (int i = 0; i < g; i++) {
            if (gtMax[i] >= 0) {
                for (int j = 0; j < n; j++) {
                    if (inside[j] != 0 && ov[i][j] == gtMax[i]) {
                        out[j] = i;
                    }
                }
            }
        }
        return out;
    }
}
