package org.ghm4j.detection.coder;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * mmdetection's {@code DeltaXYWHBBoxCoder} (no +1 on widths).
 *
 * <p>Encode, for an anchor p and a gt box g (centres px = (x1 + x2) / 2, sizes pw = x2 - x1, ...):
 * <pre>  t = [(gx - px) / pw, (gy - py) / ph, ln(gw / pw), ln(gh / ph)],   delta = (t - means) / stds</pre>
 * computed in float64 from the float32 coordinates (mmdetection computes in float32; the two differ
 * by a few float32 ulps of the target).
 *
 * <p>Decode, for an anchor p and deltas d:
 * <pre>
 *   d' = d * stds + means
 *   dw, dh clamped to [-maxRatio, maxRatio],  maxRatio = |ln(whRatioClip)| (default |ln(16 / 1000)| = 4.135)
 *   cx = px + pw * d'x,  cy = py + ph * d'y,  w = pw * exp(dw),  h = ph * exp(dh)
 *   box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
 * </pre>
 * then, when clipping to an image of [h, w], x clamped to [0, w] and y to [0, h]. Immutable.
 */
public final class DeltaXYWHBBoxCoder {
    /** mmdetection's default {@code wh_ratio_clip}. */
    public static final double DEFAULT_WH_RATIO_CLIP = 16.0 / 1000.0;

    private final double[] means;
    private final double[] stds;
    private final double maxRatio;

    /**
     * @param means       [4] target means, finite. Copied.
     * @param stds        [4] target stds, finite and > 0. Copied.
     * @param whRatioClip in (0, 1]: the decode clamp is |ln(whRatioClip)|
     */
    public DeltaXYWHBBoxCoder(double[] means, double[] stds, double whRatioClip) {
        if (means == null || means.length != 4 || stds == null || stds.length != 4) {
            throw new InvalidConfigException("box coder means and stds must each hold 4 numbers");
        }
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(means[i])) {
                throw new InvalidConfigException("box coder means[" + i + "] must be finite, got " + means[i]);
            }
            if (!(stds[i] > 0) || !Double.isFinite(stds[i])) {
                throw new InvalidConfigException("box coder stds[" + i + "] must be finite and > 0, got " + stds[i]);
            }
        }
        if (!(whRatioClip > 0 && whRatioClip <= 1)) {
            throw new InvalidConfigException("whRatioClip must be in (0, 1], got " + whRatioClip);
        }
        this.means = means.clone();
        this.stds = stds.clone();
        this.maxRatio = Math.abs(Math.log(whRatioClip));
    }

    /** RetinaNet's coder: means 0, stds 1, clamp |ln(16/1000)|. */
    public static DeltaXYWHBBoxCoder retinanet() {
        return new DeltaXYWHBBoxCoder(new double[4], new double[] {1, 1, 1, 1}, DEFAULT_WH_RATIO_CLIP);
    }

    public double[] means() {
        return means.clone();
    }

    public double[] stds() {
        return stds.clone();
    }

    /** |ln(whRatioClip)|, the bound of dw and dh on decode. */
    public double maxRatio() {
        return maxRatio;
    }

    /**
     * Encodes anchor {@code anchors[4a ..]} against gt {@code gts[4g ..]} into {@code out[outOffset .. +4]}.
     * Not modified: anchors, gts.
     */
    public void encode(float[] anchors, int a, float[] gts, int g, double[] out, int outOffset) {
        double px1 = anchors[4 * a];
        double py1 = anchors[4 * a + 1];
        double px2 = anchors[4 * a + 2];
        double py2 = anchors[4 * a + 3];
        double gx1 = gts[4 * g];
        double gy1 = gts[4 * g + 1];
        double gx2 = gts[4 * g + 2];
        double gy2 = gts[4 * g + 3];
        double px = (px1 + px2) * 0.5;
        double py = (py1 + py2) * 0.5;
        double pw = px2 - px1;
        double ph = py2 - py1;
        double gx = (gx1 + gx2) * 0.5;
        double gy = (gy1 + gy2) * 0.5;
        double gw = gx2 - gx1;
        double gh = gy2 - gy1;
        out[outOffset] = ((gx - px) / pw - means[0]) / stds[0];
        out[outOffset + 1] = ((gy - py) / ph - means[1]) / stds[1];
        out[outOffset + 2] = (Math.log(gw / pw) - means[2]) / stds[2];
        out[outOffset + 3] = (Math.log(gh / ph) - means[3]) / stds[3];
    }

    /**
     * Decodes {@code deltas[4d ..]} relative to anchor {@code anchors[4a ..]} into
     * {@code out[outOffset .. +4]} (x1, y1, x2, y2). With {@code maxShape} = [h, w] (may be null: no
     * clipping) the box is clipped to the image. Not modified: anchors, deltas, maxShape.
     */
    public void decode(float[] anchors, int a, float[] deltas, int d, int[] maxShape, float[] out, int outOffset) {
        double px1 = anchors[4 * a];
        double py1 = anchors[4 * a + 1];
        double px2 = anchors[4 * a + 2];
        double py2 = anchors[4 * a + 3];
        double px = (px1 + px2) * 0.5;
        double py = (py1 + py2) * 0.5;
        double pw = px2 - px1;
        double ph = py2 - py1;
        double dx = deltas[4 * d] * stds[0] + means[0];
        double dy = deltas[4 * d + 1] * stds[1] + means[1];
        double dw = clamp(deltas[4 * d + 2] * stds[2] + means[2], -maxRatio, maxRatio);
        double dh = clamp(deltas[4 * d + 3] * stds[3] + means[3], -maxRatio, maxRatio);
        double cx = px + pw * dx;
        double cy = py + ph * dy;
        double w = pw * Math.exp(dw);
        double h = ph * Math.exp(dh);
        double x1 = cx - w * 0.5;
        double y1 = cy - h * 0.5;
        double x2 = cx + w * 0.5;
        double y2 = cy + h * 0.5;
        if (maxShape != null) {
            x1 = clamp(x1, 0, maxShape[1]);
            x2 = clamp(x2, 0, maxShape[1]);
            y1 = clamp(y1, 0, maxShape[0]);
            y2 = clamp(y2, 0, maxShape[0]);
        }
        out[outOffset] = (float) x1;
        out[outOffset + 1] = (float) y1;
        out[outOffset + 2] = (float) x2;
        out[outOffset + 3] = (float) y2;
    }

    /** Decodes {@code count} consecutive anchors and deltas ([count * 4] each) into a new [count * 4] array. */
    public float[] decodeAll(float[] anchors, float[] deltas, int[] maxShape) {
        int count = Math.min(anchors.length, deltas.length) / 4;
        float[] out = new float[count * 4];
        for (int i = 0; i < count; i++) {
            decode(anchors, i, deltas, i, maxShape, out, 4 * i);
        }
        return out;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
