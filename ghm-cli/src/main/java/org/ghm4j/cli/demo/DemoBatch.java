package org.ghm4j.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ghm4j.detection.Chunks;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.assign.AssignResult;
import org.ghm4j.detection.assign.MaxIoUAssigner;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.LevelCounts;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;

/**
 * The demo's detection batch: two inputs padded to 512 x 512 with RetinaNet anchors on P3-P7
 * (strides 8..128, 9 anchors per location, 49,104 anchors per image), 80 classes, and a few
 * ground-truth boxes per image; then, per training step, head outputs that look like a RetinaNet
 * part-way through training. Everything is drawn from {@code seed}: the same seed gives the same
 * boxes and, for each step, bit-identical head outputs on every machine, JVM and thread count
 * (normal numbers from {@link Normal}, StrictMath for the box sizes).
 *
 * <p>Image 0 fills the 512 x 512 input. Image 1 is a 512 x 400 (w x h) picture padded to 512 x 416
 * (a multiple of 32, as mmdetection pads), so the anchor rows that lie in the batch padding below
 * row 416 are invalid for it: the batch has positive, negative, ignored and invalid anchors.
 *
 * <p>Head outputs of step s (all float32):
 * <ul>
 *   <li>every (anchor, class) logit starts as an easy negative, N(-6, 1) (p ~ 0.0025, as a trained
 *       head's background after the prior bias -4.6 has moved down);</li>
 *   <li>negatives near an object (max IoU in [0.1, 0.4)) raise the logit of that object's class by
 *       up to 12 * IoU: the hard negatives around objects;</li>
 *   <li>clutter: each logit is, with probability {@value #CLUTTER}, a false alarm N(0, 1.5);</li>
 *   <li>unannotated objects ({@value #UNANNOTATED} per image, drawn like the gt boxes but not in the
 *       annotation, as COCO's missing labels): anchors with IoU >= 0.3 with one get a confident logit
 *       N(3.5, 1.2) for its class while their target is background, the outliers among negatives
 *       (gradient norm near 1);</li>
 *   <li>a positive anchor's own class logit is N(1 + 4 (IoU - 0.5), 1.5) (mostly learned), except for
 *       outliers (probability {@value #OUTLIER}) at N(-4.5, 1): positives the head gets badly wrong
 *       (occluded or mislabelled objects), with gradient norm near 1;</li>
 *   <li>box deltas: the positive's encoded target plus N(0, 0.05), outliers (probability
 *       {@value #BOX_OUTLIER}) plus N(0, 0.6); every other anchor N(0, 0.2) (it has box weight 0).</li>
 * </ul>
 * Logits are drawn in chunks of {@value #CHUNK} anchors, each chunk from its own generator seeded by
 * (seed, step, image, level, chunk), so chunks can be filled in parallel with fixed results.
 * Immutable after construction; {@link #headOutputs(int)} is thread-safe.
 */
public final class DemoBatch {
    public static final int SIZE = 512;
    public static final int NUM_CLASSES = 80;
    public static final int IMAGES = 2;
    /** Image 1: picture height and padded height (width 512 for both). */
    public static final int SECOND_HEIGHT = 400;
    public static final int SECOND_PAD_HEIGHT = 416;
    static final double CLUTTER = 2e-4;
    static final double OUTLIER = 0.08;
    static final double BOX_OUTLIER = 0.1;
    static final int UNANNOTATED = 2;
    static final float UNANNOTATED_IOU = 0.3f;
    static final int CHUNK = 1024;

    private final long seed;
    private final TargetConfig config;
    private final List<ImageAnnotation> annotations;
    private final DetectionTargets targets;
    /** Per image the unannotated objects: [U * 4] boxes and [U] classes. */
    private final List<Boxes> unannotated;

    /** Draws the gt boxes from {@code seed} and builds the targets (anchors, assignment, box targets). */
    public DemoBatch(long seed) {
        this.seed = seed;
        this.config = TargetConfig.retinanet(NUM_CLASSES);
        SplittableRandom random = new SplittableRandom(seed);
        List<ImageAnnotation> images = new ArrayList<>();
        Boxes first = boxes(random, SIZE, SIZE, 4 + random.nextInt(3));
        images.add(ImageAnnotation.of(SIZE, SIZE, first.boxes(), first.labels()));
        Boxes second = boxes(random, SECOND_HEIGHT, SIZE, 3 + random.nextInt(3));
        images.add(new ImageAnnotation(SECOND_HEIGHT, SIZE, SECOND_PAD_HEIGHT, SIZE, second.boxes(), second.labels()));
        this.annotations = List.copyOf(images);
        this.unannotated = List.of(boxes(random, SIZE, SIZE, UNANNOTATED),
                boxes(random, SECOND_HEIGHT, SIZE, UNANNOTATED));
        this.targets = new TargetBuilder(config).build(SIZE, SIZE, annotations);
    }

    public long seed() {
        return seed;
    }

    public TargetConfig config() {
        return config;
    }

    /** The images' sizes and gt boxes, in batch order. */
    public List<ImageAnnotation> annotations() {
        return annotations;
    }

    /** Anchors, assignment and training targets of the batch. */
    public DetectionTargets targets() {
        return targets;
    }

    public AnchorGrid grid() {
        return targets.grid();
    }

    /** Number of gt boxes over both images. */
    public int numBoxes() {
        int g = 0;
        for (ImageAnnotation a : annotations) {
            g += a.numBoxes();
        }
        return g;
    }

    /** Anchors x classes over the batch: the elements GHM-C sees (valid or not). */
    public long numElements() {
        return (long) IMAGES * grid().totalAnchors() * NUM_CLASSES;
    }

    /** Anchor counts summed over the levels and images. */
    public LevelCounts totalCounts() {
        LevelCounts sum = LevelCounts.ZERO;
        for (LevelCounts c : targets.countsPerLevel()) {
            sum = sum.plus(c);
        }
        return sum;
    }

    /**
     * The head outputs of training step {@code step} (>= 0; the demo warms up on step 0 and shows
     * steps 1..N). New arrays on every call.
     */
    public HeadOutputs headOutputs(int step) {
        AnchorGrid grid = grid();
        int levels = grid.numLevels();
        float[][][] logits = new float[IMAGES][levels][];
        float[][] deltas = new float[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            ImageTargets t = targets.image(i);
            int[] gtLabels = annotations.get(i).gtLabels();
            for (int l = 0; l < levels; l++) {
                logits[i][l] = logits(step, i, l, t, gtLabels);
            }
            deltas[i] = deltas(step, i, t);
        }
        return new HeadOutputs(step, logits, deltas);
    }

    private float[] logits(int step, int image, int level, ImageTargets t, int[] gtLabels) {
        AnchorGrid grid = grid();
        int n = grid.numAnchors(level);
        int start = grid.levelStart(level);
        int k = NUM_CLASSES;
        float[] x = new float[n * k];
        AssignResult assignment = t.assignment();
        int[] assigned = assignment.assigned();
        float[] maxIou = assignment.maxIou();
        int[] argmax = assignment.argmax();
        Boxes missing = unannotated.get(image);
        float[] ax1 = grid.x1();
        float[] ay1 = grid.y1();
        float[] ax2 = grid.x2();
        float[] ay2 = grid.y2();
        float[] area = grid.area();
        int chunks = Chunks.count(n, CHUNK);
        Chunks.run(chunks, c -> {
            Normal r = new Normal(new SplittableRandom(mix(seed, step, image, level, c)));
            int to = Math.min(n, (c + 1) * CHUNK);
            for (int a = c * CHUNK; a < to; a++) {
                int base = a * k;
                for (int j = 0; j < k; j++) {
                    double v = r.uniform() < CLUTTER ? 1.5 * r.next() : -6.0 + r.next();
                    x[base + j] = (float) v;
                }
                int anchor = start + a;
                int code = assigned[anchor];
                double iou = maxIou[anchor];
                if (code >= 0) {
                    int cls = gtLabels[code];
                    double v = r.uniform() < OUTLIER ? -4.5 + r.next()
                            : 1.0 + 4.0 * (iou - 0.5) + 1.5 * r.next();
                    x[base + cls] = (float) v;
                } else if (code == AssignResult.NEGATIVE && iou >= 0.1 && argmax[anchor] >= 0) {
                    int cls = gtLabels[argmax[anchor]];
                    x[base + cls] = (float) (x[base + cls] + 12.0 * iou * r.uniform());
                }
                if (code == AssignResult.NEGATIVE || code == AssignResult.IGNORED) {
                    for (int u = 0; u < missing.labels().length; u++) {
                        float[] b = missing.boxes();
                        float bx1 = b[4 * u];
                        float by1 = b[4 * u + 1];
                        float bx2 = b[4 * u + 2];
                        float by2 = b[4 * u + 3];
                        float v = MaxIoUAssigner.iou(ax1[anchor], ay1[anchor], ax2[anchor], ay2[anchor], area[anchor],
                                bx1, by1, bx2, by2, (bx2 - bx1) * (by2 - by1), 1e-6f);
                        if (v >= UNANNOTATED_IOU) {
                            x[base + missing.labels()[u]] = (float) (3.5 + 1.2 * r.next());
                        }
                    }
                }
            }
        });
        return x;
    }

    private float[] deltas(int step, int image, ImageTargets t) {
        int n = grid().totalAnchors();
        float[] d = new float[4 * n];
        Normal r = new Normal(new SplittableRandom(mix(seed, step, image, -1, 0)));
        for (int e = 0; e < d.length; e++) {
            d[e] = (float) (0.2 * r.next());
        }
        int[] pos = t.posIndex();
        double[] target = t.posTargets();
        for (int p = 0; p < pos.length; p++) {
            double spread = r.uniform() < BOX_OUTLIER ? 0.6 : 0.05;
            for (int q = 0; q < 4; q++) {
                d[4 * pos[p] + q] = (float) (target[4 * p + q] + spread * r.next());
            }
        }
        return d;
    }

    /**
     * {@code count} boxes inside an image of [height, width]: sides log-uniform in [24, 480] px
     * (aspect h / w in [1/2, 2], capped by the image), positions uniform, classes uniform in [0, 80).
     */
    private static Boxes boxes(SplittableRandom r, int height, int width, int count) {
        float[] b = new float[4 * count];
        int[] labels = new int[count];
        for (int g = 0; g < count; g++) {
            double logSide = StrictMath.log(24) + r.nextDouble() * (StrictMath.log(480) - StrictMath.log(24));
            double side = StrictMath.exp(logSide);
            double aspect = StrictMath.exp((r.nextDouble() * 2 - 1) * StrictMath.log(2));
            double w = Math.min(side / StrictMath.sqrt(aspect), width - 2);
            double h = Math.min(side * StrictMath.sqrt(aspect), height - 2);
            double x1 = r.nextDouble() * (width - w);
            double y1 = r.nextDouble() * (height - h);
            b[4 * g] = (float) Math.floor(x1);
            b[4 * g + 1] = (float) Math.floor(y1);
            b[4 * g + 2] = (float) Math.floor(x1 + w);
            b[4 * g + 3] = (float) Math.floor(y1 + h);
            labels[g] = r.nextInt(NUM_CLASSES);
        }
        return new Boxes(b, labels);
    }

    /** A 64-bit seed from the run's seed and the chunk's coordinates (SplitMix64 finalizer per part). */
    static long mix(long seed, int step, int image, int level, int chunk) {
        long h = seed;
        for (long part : new long[] {step, image, level, chunk}) {
            h = splitmix(h ^ splitmix(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private record Boxes(float[] boxes, int[] labels) {
    }

    /**
     * One step's head outputs, in {@link org.ghm4j.detection.loss.DetectionLoss}'s layout.
     *
     * @param step   the step they belong to
     * @param logits [image][level] flat [numAnchors(l) * 80], anchor i class k at i * 80 + k
     * @param deltas [image] flat [totalAnchors * 4]
     */
    public record HeadOutputs(int step, float[][][] logits, float[][] deltas) {
    }
}
