package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.anchor.AnchorGenerator;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.junit.jupiter.api.Test;

class AnchorGeneratorTest {
    private final AnchorGenerator generator = AnchorGenerator.retinanet();

    @Test
    void scalesAreMmdetectionsFloat32Values() {
        assertArrayEquals(new float[] {4.0f, 5.039684295654297f, 6.34960412979126f}, AnchorConfig.retinanet().scales());
    }

    @Test
    void baseAnchorsAreRatioMajorFloat32() {
        float[] base = generator.baseAnchors(0);
        // a = 0: ratio 0.5 (wide), scale 4: w = (8 * 1.4142135) * 4 = 45.254833, h = 22.627417
        assertArrayEquals(new float[] {-22.627416610717773f, -11.313708305358887f, 22.627416610717773f,
                11.313708305358887f}, slice(base, 0));
        // a = 3: ratio 1, scale 4: the 32 x 32 square of stride 8
        assertArrayEquals(new float[] {-16, -16, 16, 16}, slice(base, 3));
        // a = 4: ratio 1, scale 2^(1/3) * 4
        assertArrayEquals(new float[] {-20.158737182617188f, -20.158737182617188f, 20.158737182617188f,
                20.158737182617188f}, slice(base, 4));
        // a = 8: ratio 2 (tall), largest scale
        assertArrayEquals(new float[] {-17.959392547607422f, -35.918785095214844f, 17.959392547607422f,
                35.918785095214844f}, slice(base, 8));
    }

    @Test
    void featmapSizesAreCeilingsAndCountsFollow() {
        AnchorGrid grid = generator.grid(800, 1344);
        int[][] expected = {{100, 168}, {50, 84}, {25, 42}, {13, 21}, {7, 11}};
        int total = 0;
        for (int l = 0; l < 5; l++) {
            assertArrayEquals(expected[l], grid.featmapSize(l));
            assertEquals(expected[l][0] * expected[l][1] * 9, grid.numAnchors(l));
            assertEquals(total, grid.levelStart(l));
            total += grid.numAnchors(l);
        }
        assertEquals(201_600, grid.totalAnchors());
        assertArrayEquals(new int[] {13, 17}, generator.featmapSizes(97, 130)[0]);
        assertArrayEquals(new int[] {1, 2}, generator.featmapSizes(97, 130)[4]);
    }

    @Test
    void anchorIndexIsLocationMajorThenBaseAnchor() {
        AnchorGrid grid = generator.grid(96, 160);
        // level 1 (stride 16), W = 10: anchor (y=2, x=7, a=5) has index (2*10+7)*9+5 = 248
        float[] base = generator.baseAnchors(1);
        float[] a = grid.anchor(1, 248);
        assertArrayEquals(new float[] {base[20] + 112, base[21] + 32, base[22] + 112, base[23] + 32}, a);
        assertEquals(1, grid.levelOf(grid.levelStart(1) + 248));
    }

    @Test
    void validFlagsFollowThePadShape() {
        AnchorGrid grid = generator.grid(96, 96);
        byte[] valid = grid.validFlags(96, 64);
        // level 0: W = 12, valid x < ceil(64/8) = 8, every row valid
        int start = grid.levelStart(0);
        assertEquals(1, valid[start + (3 * 12 + 7) * 9 + 8]);
        assertEquals(0, valid[start + (3 * 12 + 8) * 9]);
        // level 4: W = 1, ceil(64/128) = 1: valid
        assertEquals(1, valid[grid.levelStart(4)]);
        int count = 0;
        for (byte b : valid) {
            count += b;
        }
        assertEquals(864 + 216 + 54 + 18 + 9, count);
    }

    @Test
    void insideFlagsAreStrictOnTheRightAndBottom() {
        // one level, stride 16, one 32 x 32 anchor: anchor (x=1, y=1) is [0, 0, 32, 32]
        AnchorGenerator g = new AnchorGenerator(new AnchorConfig(new int[] {16}, new double[] {1}, 2, 1, 0));
        AnchorGrid grid = g.grid(48, 48);
        byte[] valid = grid.validFlags(48, 48);
        int idx = 1 * 3 + 1;
        assertEquals(0, grid.insideFlags(valid, 32, 32, 0)[idx], "x2 = 32 = img_w is outside with border 0");
        assertEquals(1, grid.insideFlags(valid, 33, 33, 0)[idx]);
        assertEquals(1, grid.insideFlags(valid, 32, 32, 1)[idx]);
        assertEquals(1, grid.insideFlags(valid, 32, 32, -1)[0], "negative border: inside = valid");
        assertEquals(0, grid.insideFlags(valid, 48, 48, 15)[0], "x1 = -16 < -15");
        assertEquals(1, grid.insideFlags(valid, 48, 48, 16)[0]);
    }

    private static float[] slice(float[] a, int i) {
        return new float[] {a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]};
    }
}
