package org.ghm4j.cli.train;

import java.util.SplittableRandom;

/**
 * A generated detection dataset: RGB images of filled shapes on a cluttered background, every image
 * a pure function of (seed, split, index), so no download and no files.
 *
 * <p>Each image is {@code size x size} pixels, channels-first [3, size, size] with values in [0, 1].
 * The background is a two-colour gradient with per-pixel noise, 2..4 thin line segments and 1..3
 * small blobs of random colour (clutter that is not an object). On it, 1..{@code maxObjects}
 * objects of {@link #NUM_CLASSES} classes: 0 = axis-aligned rectangle, 1 = ellipse, 2 = triangle
 * (apex up or down), each with its own saturated colour, a mean side log-uniform in
 * 10..{@code size/2} pixels (12% of the objects tiny: 6..10 pixels) and an aspect ratio in [0.5, 2]. Objects may overlap (a later one
 * occludes an earlier one) but never with IoU above 0.4 nor covering more than half of either box,
 * so each stays recognisable. The ground-truth
 * box is the shape's geometric box [x1, y1, x2, y2] in pixels, clipped to the image.
 *
 * <p>The split is fixed: training images are indices 0..trainSize-1 of the TRAIN stream, validation
 * images indices 0..valSize-1 of the VALIDATION stream; the two streams use different seeds.
 *
 * @param size       image side in pixels, >= 16
 * @param maxObjects objects per image are uniform in [1, maxObjects], >= 1
 * @param trainSize  number of training images, >= 1
 * @param valSize    number of validation images, >= 1
 * @param seed       the dataset seed
 */
public record ShapesDataset(int size, int maxObjects, int trainSize, int valSize, long seed) {
    /** Rectangle, ellipse, triangle. */
    public static final int NUM_CLASSES = 3;
    /** Class names by label. */
    public static final String[] CLASS_NAMES = {"rectangle", "ellipse", "triangle"};

    public ShapesDataset {
        if (size < 16 || maxObjects < 1 || trainSize < 1 || valSize < 1) {
            throw new IllegalArgumentException("dataset needs size >= 16, maxObjects, trainSize and valSize >= 1, got "
                    + size + ", " + maxObjects + ", " + trainSize + ", " + valSize);
        }
    }

    /** Which stream an index belongs to. */
    public enum Split { TRAIN, VALIDATION }

    /**
     * One image and its boxes.
     *
     * @param pixels channels-first [3 * size * size], values in [0, 1]
     * @param boxes  [G * 4] x1, y1, x2, y2 in pixels
     * @param labels [G] class of each box in [0, NUM_CLASSES)
     */
    public record Sample(float[] pixels, float[] boxes, int[] labels) {
        public int numObjects() {
            return labels.length;
        }
    }

    /** Number of images in {@code split}. */
    public int count(Split split) {
        return split == Split.TRAIN ? trainSize : valSize;
    }

    /** Image {@code index} of {@code split}, rendered deterministically. */
    public Sample sample(Split split, int index) {
        if (index < 0 || index >= count(split)) {
            throw new IndexOutOfBoundsException("image " + index + " of " + split + " (size " + count(split) + ")");
        }
        long stream = split == Split.TRAIN ? 0x5452_4149_4EL : 0x5641_4C49_44L;
        SplittableRandom r = new SplittableRandom(mix(seed, stream, index));
        float[] px = new float[3 * size * size];
        background(r, px);
        int n = 1 + r.nextInt(maxObjects);
        float[] boxes = new float[4 * n];
        int[] labels = new int[n];
        int placed = 0;
        for (int attempt = 0; placed < n && attempt < 50; attempt++) {
            int cls = r.nextInt(NUM_CLASSES);
            boolean tiny = r.nextDouble() < 0.12;
            double side = tiny ? 6 + r.nextDouble() * 4 : Math.exp(Math.log(10) + r.nextDouble() * Math.log(size / 20.0));
            double aspect = Math.exp((r.nextDouble() * 2 - 1) * Math.log(2));
            double w = side * Math.sqrt(aspect);
            double h = side / Math.sqrt(aspect);
            w = Math.min(w, size - 2);
            h = Math.min(h, size - 2);
            double x1 = r.nextDouble() * (size - w);
            double y1 = r.nextDouble() * (size - h);
            float[] box = {(float) x1, (float) y1, (float) (x1 + w), (float) (y1 + h)};
            if (overlapsTooMuch(box, boxes, placed)) {
                continue;
            }
            float[] colour = saturatedColour(r);
            boolean apexUp = r.nextBoolean();
            draw(px, cls, box, colour, apexUp);
            System.arraycopy(box, 0, boxes, 4 * placed, 4);
            labels[placed] = cls;
            placed++;
        }
        if (placed < n) {
            boxes = java.util.Arrays.copyOf(boxes, 4 * placed);
            labels = java.util.Arrays.copyOf(labels, placed);
        }
        return new Sample(px, boxes, labels);
    }

    /** SplitMix-style mixing of the seed, the stream and the index into one 64-bit seed. */
    static long mix(long seed, long stream, long index) {
        long z = seed * 0x9E37_79B9_7F4A_7C15L + stream * 0xBF58_476D_1CE4_E5B9L + index * 0x94D0_49BB_1331_11EBL;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    private boolean overlapsTooMuch(float[] box, float[] boxes, int placed) {
        double area = (box[2] - box[0]) * (box[3] - box[1]);
        for (int g = 0; g < placed; g++) {
            double iw = Math.min(box[2], boxes[4 * g + 2]) - Math.max(box[0], boxes[4 * g]);
            double ih = Math.min(box[3], boxes[4 * g + 3]) - Math.max(box[1], boxes[4 * g + 1]);
            if (iw > 0 && ih > 0) {
                double inter = iw * ih;
                double other = (boxes[4 * g + 2] - boxes[4 * g]) * (boxes[4 * g + 3] - boxes[4 * g + 1]);
                if (inter / (area + other - inter) > 0.4 || inter > 0.5 * other || inter > 0.5 * area) {
                    return true;
                }
            }
        }
        return false;
    }

    private void background(SplittableRandom r, float[] px) {
        float[] a = {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
        float[] b = {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
        boolean horizontal = r.nextBoolean();
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float t = (horizontal ? x : y) / (float) (size - 1);
                for (int c = 0; c < 3; c++) {
                    float v = a[c] + (b[c] - a[c]) * t + (float) ((r.nextDouble() - 0.5) * 0.08);
                    px[c * plane + y * size + x] = clamp(v);
                }
            }
        }
        int lines = 2 + r.nextInt(3);
        for (int i = 0; i < lines; i++) {
            float[] colour = {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
            double x0 = r.nextDouble() * size;
            double y0 = r.nextDouble() * size;
            double x1 = r.nextDouble() * size;
            double y1 = r.nextDouble() * size;
            int steps = (int) Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
            for (int s = 0; s <= steps; s++) {
                double t = s / (double) steps;
                set(px, (int) (x0 + (x1 - x0) * t), (int) (y0 + (y1 - y0) * t), colour);
            }
        }
        int blobs = 1 + r.nextInt(3);
        for (int i = 0; i < blobs; i++) {
            float[] colour = {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
            int bx = r.nextInt(size);
            int by = r.nextInt(size);
            int bs = 2 + r.nextInt(2);
            for (int y = by; y < by + bs; y++) {
                for (int x = bx; x < bx + bs; x++) {
                    set(px, x, y, colour);
                }
            }
        }
    }

    private static float[] saturatedColour(SplittableRandom r) {
        double hue = r.nextDouble() * 6;
        double s = 0.6 + 0.4 * r.nextDouble();
        double v = 0.55 + 0.45 * r.nextDouble();
        int sector = (int) hue;
        double f = hue - sector;
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        double[] rgb = switch (sector) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
        return new float[] {(float) rgb[0], (float) rgb[1], (float) rgb[2]};
    }

    private void draw(float[] px, int cls, float[] box, float[] colour, boolean apexUp) {
        double x1 = box[0];
        double y1 = box[1];
        double x2 = box[2];
        double y2 = box[3];
        double cx = (x1 + x2) / 2;
        double cy = (y1 + y2) / 2;
        double rx = (x2 - x1) / 2;
        double ry = (y2 - y1) / 2;
        for (int y = Math.max(0, (int) y1); y <= Math.min(size - 1, (int) y2); y++) {
            for (int x = Math.max(0, (int) x1); x <= Math.min(size - 1, (int) x2); x++) {
                double u = x + 0.5;
                double v = y + 0.5;
                if (u < x1 || u > x2 || v < y1 || v > y2) {
                    continue;
                }
                boolean inside = switch (cls) {
                    case 0 -> true;
                    case 1 -> (u - cx) * (u - cx) / (rx * rx) + (v - cy) * (v - cy) / (ry * ry) <= 1;
                    default -> {
                        double depth = apexUp ? (v - y1) / (y2 - y1) : (y2 - v) / (y2 - y1);
                        yield Math.abs(u - cx) <= rx * depth;
                    }
                };
                if (inside) {
                    set(px, x, y, colour);
                }
            }
        }
    }

    private void set(float[] px, int x, int y, float[] colour) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            return;
        }
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            px[c * plane + y * size + x] = colour[c];
        }
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
