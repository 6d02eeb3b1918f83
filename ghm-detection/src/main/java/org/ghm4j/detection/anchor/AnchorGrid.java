package org.ghm4j.detection.anchor;

/**
 * All anchors of one padded batch shape: the levels in order, each level location-major
 * (index {@code (y * W_l + x) * A + a}), concatenated into one flat list. Every image of the batch
 * shares these anchors; what differs per image is which of them are valid
 * ({@link #validFlags(int, int)}) and inside the allowed border ({@link #insideFlags}).
 *
 * <p>Anchor j of the whole grid is {@code boxes()[4j .. 4j+3] = x1, y1, x2, y2} (float32, exactly
 * mmdetection's values); level l holds anchors {@code [levelStart(l), levelStart(l) + numAnchors(l))}.
 * The structure-of-arrays copies ({@link #x1()} ...) and the areas are what the assigner reads.
 * Immutable; the arrays returned by the accessors are shared and must not be modified.
 */
public final class AnchorGrid {
    private final AnchorConfig config;
    private final int[][] featmapSizes;
    private final int[] counts;
    private final int[] starts;
    private final int total;
    private final float[] boxes;
    private final float[] x1;
    private final float[] y1;
    private final float[] x2;
    private final float[] y2;
    private final float[] area;

    AnchorGrid(AnchorConfig config, int[][] featmapSizes, int[] counts, float[] boxes) {
        this.config = config;
        this.featmapSizes = featmapSizes;
        this.counts = counts;
        this.starts = new int[counts.length + 1];
        for (int l = 0; l < counts.length; l++) {
            starts[l + 1] = starts[l] + counts[l];
        }
        this.total = starts[counts.length];
        this.boxes = boxes;
        x1 = new float[total];
        y1 = new float[total];
        x2 = new float[total];
        y2 = new float[total];
        area = new float[total];
        for (int j = 0; j < total; j++) {
            x1[j] = boxes[4 * j];
            y1[j] = boxes[4 * j + 1];
            x2[j] = boxes[4 * j + 2];
            y2[j] = boxes[4 * j + 3];
            area[j] = (x2[j] - x1[j]) * (y2[j] - y1[j]);
        }
    }

    public AnchorConfig config() {
        return config;
    }

    public int numLevels() {
        return counts.length;
    }

    /** A, base anchors per location. */
    public int numBaseAnchors() {
        return config.numBaseAnchors();
    }

    /** [h, w] of level l's feature map (a copy). */
    public int[] featmapSize(int level) {
        return featmapSizes[level].clone();
    }

    /** H_l * W_l * A. */
    public int numAnchors(int level) {
        return counts[level];
    }

    /** Number of anchors over all levels. */
    public int totalAnchors() {
        return total;
    }

    /** Index of level l's first anchor in the flat list. */
    public int levelStart(int level) {
        return starts[level];
    }

    /** The level that holds flat anchor {@code index}. */
    public int levelOf(int index) {
        for (int l = 0; l < counts.length; l++) {
            if (index < starts[l + 1]) {
                return l;
            }
        }
        throw new IndexOutOfBoundsException("anchor " + index + " of " + total);
    }

    /** [total * 4] x1, y1, x2, y2 (shared, not to be modified). */
    public float[] boxes() {
        return boxes;
    }

    /** Anchor {@code index} of {@code level} (index within the level) as a new [x1, y1, x2, y2]. */
    public float[] anchor(int level, int index) {
        int j = starts[level] + index;
        return new float[] {x1[j], y1[j], x2[j], y2[j]};
    }

    public float[] x1() {
        return x1;
    }

    public float[] y1() {
        return y1;
    }

    public float[] x2() {
        return x2;
    }

    public float[] y2() {
        return y2;
    }

    /** float32 (x2 - x1) * (y2 - y1) per anchor (shared). */
    public float[] area() {
        return area;
    }

    /**
     * mmdetection's valid flags for an image padded to [padHeight, padWidth]: at level l, location
     * (x, y) is valid when x < min(ceil(padWidth / s), W_l) and y < min(ceil(padHeight / s), H_l); all
     * A anchors of a location share its flag. Returns [total] with 1 = valid.
     */
    public byte[] validFlags(int padHeight, int padWidth) {
        byte[] flags = new byte[total];
        int numBase = numBaseAnchors();
        for (int l = 0; l < counts.length; l++) {
            int s = config.stride(l);
            int fh = featmapSizes[l][0];
            int fw = featmapSizes[l][1];
            int vh = Math.min(AnchorGenerator.ceilDiv(padHeight, s), fh);
            int vw = Math.min(AnchorGenerator.ceilDiv(padWidth, s), fw);
            for (int y = 0; y < vh; y++) {
                int from = starts[l] + y * fw * numBase;
                java.util.Arrays.fill(flags, from, from + vw * numBase, (byte) 1);
            }
        }
        return flags;
    }

    /**
     * mmdetection's {@code anchor_inside_flags}: with {@code allowedBorder < 0} inside = valid; else
     * inside = valid and x1 >= -b and y1 >= -b and x2 < imgWidth + b and y2 < imgHeight + b (strict on
     * the right and bottom). Returns [total] with 1 = inside. Not modified: {@code valid}.
     */
    public byte[] insideFlags(byte[] valid, int imgHeight, int imgWidth, int allowedBorder) {
        byte[] inside = valid.clone();
        if (allowedBorder >= 0) {
            float left = -allowedBorder;
            float right = (float) imgWidth + allowedBorder;
            float bottom = (float) imgHeight + allowedBorder;
            for (int j = 0; j < total; j++) {
                if (inside[j] != 0 && !(x1[j] >= left && y1[j] >= left && x2[j] < right && y2[j] < bottom)) {
                    inside[j] = 0;
                }
            }
        }
        return inside;
    }
}
