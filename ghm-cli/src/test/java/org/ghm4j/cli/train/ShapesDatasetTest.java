package org.ghm4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapesDatasetTest {
    private final ShapesDataset data = new ShapesDataset(64, 4, 200, 50, 42);

    @Test
    void samplesAreAFunctionOfSeedSplitAndIndex() {
        ShapesDataset.Sample a = data.sample(ShapesDataset.Split.TRAIN, 7);
        ShapesDataset.Sample b = new ShapesDataset(64, 4, 200, 50, 42).sample(ShapesDataset.Split.TRAIN, 7);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.boxes(), b.boxes());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(Arrays.equals(a.pixels(), data.sample(ShapesDataset.Split.VALIDATION, 7).pixels()));
        assertFalse(Arrays.equals(a.pixels(), new ShapesDataset(64, 4, 200, 50, 43)
                .sample(ShapesDataset.Split.TRAIN, 7).pixels()));
    }

    @Test
    void boxesLabelsAndPixelsAreInRange() {
        int[] perClass = new int[ShapesDataset.NUM_CLASSES];
        int tiny = 0;
        int overlapping = 0;
        for (int i = 0; i < 200; i++) {
            ShapesDataset.Sample s = data.sample(ShapesDataset.Split.TRAIN, i);
            assertEquals(3 * 64 * 64, s.pixels().length);
            assertTrue(s.numObjects() >= 1 && s.numObjects() <= 4, "objects " + s.numObjects());
            for (float v : s.pixels()) {
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
            }
            for (int g = 0; g < s.numObjects(); g++) {
                float[] b = Arrays.copyOfRange(s.boxes(), 4 * g, 4 * g + 4);
                assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= 64 && b[3] <= 64 && b[2] > b[0] && b[3] > b[1],
                        Arrays.toString(b));
                perClass[s.labels()[g]]++;
                if (Math.max(b[2] - b[0], b[3] - b[1]) < 10) {
                    tiny++;
                }
                for (int h = 0; h < g; h++) {
                    if (Math.min(b[2], s.boxes()[4 * h + 2]) > Math.max(b[0], s.boxes()[4 * h])
                            && Math.min(b[3], s.boxes()[4 * h + 3]) > Math.max(b[1], s.boxes()[4 * h + 1])) {
                        overlapping++;
                    }
                }
            }
        }
        for (int c : perClass) {
            assertTrue(c > 100, Arrays.toString(perClass));
        }
        assertTrue(tiny > 20, "tiny objects " + tiny);
        assertTrue(overlapping > 10, "overlapping pairs " + overlapping);
    }
}
