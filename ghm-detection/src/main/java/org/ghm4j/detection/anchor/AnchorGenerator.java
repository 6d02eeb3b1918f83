package org.ghm4j.detection.anchor;

import org.ghm4j.detection.DetectionErrors;

/**
 * Generates RetinaNet-style anchors exactly as mmdetection's {@code AnchorGenerator} does, in
 * float32 arithmetic:
 *
 * <pre>
 *   h_ratio = float32(sqrt(r)),  w_ratio = 1f / h_ratio
 *   w = (stride * w_ratio) * scale,   h = (stride * h_ratio) * scale          (float32, in this order)
 *   c = float32(centerOffset * stride)
 *   base[a] = [c - 0.5f * w, c - 0.5f * h, c + 0.5f * w, c + 0.5f * h],   a = ratioIndex * S + scaleIndex
 *   anchor(x, y, a) = float32(base[a] + [x*s, y*s, x*s, y*s])              index (y * W + x) * A + a
 * </pre>
 *
 * The feature map of level l for a batch of size [H, W] is [ceil(H / s_l), ceil(W / s_l)].
 * Thread-safe and immutable.
 */
public final class AnchorGenerator {
    private final AnchorConfig config;
    private final float[][] baseAnchors;

    public AnchorGenerator(AnchorConfig config) {
        this.config = config;
        this.baseAnchors = new float[config.numLevels()][];
        float[] scales = config.scales();
        double[] ratios = config.ratios();
        for (int l = 0; l < config.numLevels(); l++) {
            int stride = config.stride(l);
            int a = 0;
            float[] base = new float[config.numBaseAnchors() * 4];
            float center = (float) (config.centerOffset() * stride);
            for (double ratio : ratios) {
                float hRatio = (float) Math.sqrt((float) ratio);
                float wRatio = 1f / hRatio;
                for (float scale : scales) {
                    float w = (stride * wRatio) * scale;
                    float h = (stride * hRatio) * scale;
                    base[4 * a] = center - 0.5f * w;
                    base[4 * a + 1] = center - 0.5f * h;
                    base[4 * a + 2] = center + 0.5f * w;
                    base[4 * a + 3] = center + 0.5f * h;
                    a++;
                }
            }
            baseAnchors[l] = base;
        }
    }

    /** The generator with {@link AnchorConfig#retinanet()}. */
    public static AnchorGenerator retinanet() {
        return new AnchorGenerator(AnchorConfig.retinanet());
    }

    public AnchorConfig config() {
        return config;
    }

    /** The A base anchors of {@code level} as [A * 4] floats (x1, y1, x2, y2), a copy. */
    public float[] baseAnchors(int level) {
        return baseAnchors[level].clone();
    }

    /** [ceil(H / s_l), ceil(W / s_l)] for every level: rows of [h, w]. */
    public int[][] featmapSizes(int batchHeight, int batchWidth) {
        checkShape(batchHeight, batchWidth);
        int[][] sizes = new int[config.numLevels()][];
        for (int l = 0; l < sizes.length; l++) {
            int s = config.stride(l);
            sizes[l] = new int[] {ceilDiv(batchHeight, s), ceilDiv(batchWidth, s)};
        }
        return sizes;
    }

    /** The anchors of a batch padded to [batchHeight, batchWidth] (every image of the batch shares them). */
    public AnchorGrid grid(int batchHeight, int batchWidth) {
        return grid(featmapSizes(batchHeight, batchWidth));
    }

    /** The anchors for given feature map sizes ({@code featmapSizes[l] = [h, w]}, one row per level). */
    public AnchorGrid grid(int[][] featmapSizes) {
        if (featmapSizes.length != config.numLevels()) {
            throw DetectionErrors.input("featmapSizes has " + featmapSizes.length + " levels but the anchor config has "
                    + config.numLevels());
        }
        int numBase = config.numBaseAnchors();
        int[] counts = new int[featmapSizes.length];
        long total = 0;
        for (int l = 0; l < featmapSizes.length; l++) {
            if (featmapSizes[l].length != 2 || featmapSizes[l][0] < 1 || featmapSizes[l][1] < 1) {
                throw DetectionErrors.input("featmapSizes[" + l + "] must be [h >= 1, w >= 1]");
            }
            long n = (long) featmapSizes[l][0] * featmapSizes[l][1] * numBase;
            total += n;
            if (total * 4 > Integer.MAX_VALUE - 8) {
                throw DetectionErrors.input("feature maps " + java.util.Arrays.deepToString(featmapSizes)
                        + " need more than 2^29 anchors");
            }
            counts[l] = (int) n;
        }
        float[] boxes = new float[(int) total * 4];
        int at = 0;
        for (int l = 0; l < featmapSizes.length; l++) {
            int s = config.stride(l);
            float[] base = baseAnchors[l];
            int fh = featmapSizes[l][0];
            int fw = featmapSizes[l][1];
            for (int y = 0; y < fh; y++) {
                float sy = (float) (y * s);
                for (int x = 0; x < fw; x++) {
                    float sx = (float) (x * s);
                    for (int a = 0; a < numBase; a++) {
                        boxes[at++] = base[4 * a] + sx;
                        boxes[at++] = base[4 * a + 1] + sy;
                        boxes[at++] = base[4 * a + 2] + sx;
                        boxes[at++] = base[4 * a + 3] + sy;
                    }
                }
            }
        }
        int[][] sizes = new int[featmapSizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            sizes[l] = featmapSizes[l].clone();
        }
        return new AnchorGrid(config, sizes, counts, boxes);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void checkShape(int h, int w) {
        if (h < 1 || w < 1) {
            throw DetectionErrors.input("batch input shape must be [h >= 1, w >= 1], got [" + h + ", " + w + "]");
        }
    }
}
