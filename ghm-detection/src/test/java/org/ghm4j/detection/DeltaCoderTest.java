package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;
import org.junit.jupiter.api.Test;

class DeltaCoderTest {

    @Test
    void encodeIsCentreOffsetOverSizeAndLogSizeRatio() {
        double[] out = new double[4];
        // anchor [0,0,32,16]: centre (16, 8), 32 x 16; gt [8,4,48,12]: centre (28, 8), 40 x 8
        DeltaXYWHBBoxCoder.retinanet().encode(new float[] {0, 0, 32, 16}, 0, new float[] {8, 4, 48, 12}, 0, out, 0);
        assertArrayEquals(new double[] {12.0 / 32, 0, Math.log(40.0 / 32), Math.log(8.0 / 16)}, out, 1e-15);
    }

    @Test
    void meansAndStdsNormalizeAndDecodeInvertsEncode() {
        DeltaXYWHBBoxCoder coder = new DeltaXYWHBBoxCoder(new double[] {0.1, -0.1, 0, 0.2},
                new double[] {0.1, 0.1, 0.2, 0.2}, DeltaXYWHBBoxCoder.DEFAULT_WH_RATIO_CLIP);
        float[] anchor = {10, 20, 50, 40};
        float[] gt = {12, 18, 60, 44};
        double[] t = new double[4];
        coder.encode(anchor, 0, gt, 0, t, 0);
        // dx = (36 - 30) / 40 = 0.15 -> (0.15 - 0.1) / 0.1 = 0.5
        assertEquals(0.5, t[0], 1e-12);
        float[] deltas = {(float) t[0], (float) t[1], (float) t[2], (float) t[3]};
        float[] box = new float[4];
        coder.decode(anchor, 0, deltas, 0, null, box, 0);
        assertArrayEquals(gt, box, 1e-4f);
    }

    @Test
    void decodeClampsLogSizeAndClipsToTheImage() {
        DeltaXYWHBBoxCoder coder = DeltaXYWHBBoxCoder.retinanet();
        assertEquals(Math.abs(Math.log(16.0 / 1000)), coder.maxRatio(), 0);
        float[] box = new float[4];
        // dw = 10 is clamped to ln(1000/16): width 10 * 62.5 = 625 around centre 5
        coder.decode(new float[] {0, 0, 10, 10}, 0, new float[] {0, 0, 10, -10}, 0, null, box, 0);
        assertArrayEquals(new float[] {5 - 312.5f, 5 - 0.08f, 5 + 312.5f, 5 + 0.08f}, box, 1e-3f);
        coder.decode(new float[] {0, 0, 10, 10}, 0, new float[] {0, 0, 10, -10}, 0, new int[] {100, 200}, box, 0);
        assertArrayEquals(new float[] {0, 5 - 0.08f, 200, 5 + 0.08f}, box, 1e-3f);
    }
}
