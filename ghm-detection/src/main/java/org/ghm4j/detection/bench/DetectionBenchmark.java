package org.ghm4j.detection.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.core.Ghm;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.LevelPolicy;

/**
 * The detection benchmark of {@code ./ghm bench --loss detection}: a batch of 2 images of 800 x 1333
 * (padded to 800 x 1344), RetinaNet's full anchor set (5 levels, 9 anchors per location: 201,600
 * anchors per image), 80 classes, 20 gt boxes per image (seeded), logits uniform in -4.6 +- 2.5 (around RetinaNet's prior
 * bias) and deltas uniform in +- 0.3. One step = target building (valid and inside flags, max-IoU assignment, labels,
 * box targets; the anchor grid is cached as in training) plus the GHM-C and GHM-R losses with
 * gradients (mmdetection's retinanet_ghm settings, PER_LEVEL). Results go into reused gradient
 * arrays, as a training loop would.
 */
public final class DetectionBenchmark {
    public static final int IMAGES = 2;
    public static final int HEIGHT = 800;
    public static final int WIDTH = 1333;
    public static final int PAD_HEIGHT = 800;
    public static final int PAD_WIDTH = 1344;
    public static final int CLASSES = 80;
    public static final int BOXES = 20;

    private DetectionBenchmark() {
    }

    /**
     * Timings in seconds (medians over the repeats) and what the step saw.
     *
     * @param step          target building + both losses, forward and backward
     * @param targets       target building alone
     * @param loss          the detection loss alone (both losses, 5 levels, concatenation and scatter)
     * @param ghmcKernel    the 5 bare backend GHM-C calls on the same level inputs (no concatenation)
     * @param ghmrKernel    the 5 bare backend GHM-R calls on the positives
     * @param anchorsPerImage anchors per image
     * @param positives     positive anchors of the batch
     * @param repeat        timed repeats
     */
    public record Report(double step, double targets, double loss, double ghmcKernel, double ghmrKernel,
                         int anchorsPerImage, int positives, int repeat) {

        /**
         * One line in {@code ./ghm bench}'s format, e.g. {@code bench backend=java loss=detection
         * elements=32256000 images=2 shape=800x1333 classes=80 anchors=201600 positives=890 median_s=0.8874
         * targets_s=0.0839 loss_s=0.7986 ghmc_kernel_s=0.7490 ghmr_kernel_s=0.00099 repeat=5}; elements
         * is the GHM-C element count (images x anchors x classes).
         */
        public String line(String backendName) {
            return String.format(java.util.Locale.ROOT,
                    "bench backend=%s loss=detection elements=%d images=%d shape=%dx%d classes=%d anchors=%d "
                            + "positives=%d median_s=%.4f targets_s=%.4f loss_s=%.4f ghmc_kernel_s=%.4f "
                            + "ghmr_kernel_s=%.5f repeat=%d",
                    backendName, (long) IMAGES * anchorsPerImage * CLASSES, IMAGES, HEIGHT, WIDTH, CLASSES,
                    anchorsPerImage, positives, step, targets, loss, ghmcKernel, ghmrKernel, repeat);
        }
    }

    /** Median seconds of one full step (target building + both losses with gradients) over {@code repeat} runs. */
    public static double run(GhmBackend backend, int repeat) {
        return measure(backend, repeat).step();
    }

    /**
     * Command line: {@code DetectionBenchmark [repeat] [backend]} prints one bench line for the
     * selected backend ({@code Ghm.backend()}, or the one named).
     */
    public static void main(String[] args) {
        int repeat = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        GhmBackend backend = args.length > 1 ? Ghm.backend(args[1]) : Ghm.backend();
        System.out.println(measure(backend, repeat).line(backend.name()));
    }

    /** The full measurement (2 warm-up runs first). */
    public static Report measure(GhmBackend backend, int repeat) {
        return measure(backend, repeat, 2);
    }

    /** The full measurement after {@code warmups} untimed runs. */
    public static Report measure(GhmBackend backend, int repeat, int warmups) {
        if (repeat < 1 || warmups < 0) {
            throw new InvalidConfigException("repeat must be >= 1 and warmups >= 0, got "
                    + repeat + ", " + warmups);
        }
        Random random = new Random(20190101L);
        java.util.SplittableRandom values = new java.util.SplittableRandom(20190102L);
        TargetBuilder builder = new TargetBuilder(TargetConfig.retinanet(CLASSES));
        List<ImageAnnotation> images = scene(random);
        DetectionTargets targets = builder.build(PAD_HEIGHT, PAD_WIDTH, images);
        AnchorGrid grid = targets.grid();
        float[][][] logits = new float[IMAGES][grid.numLevels()][];
        float[][] deltas = new float[IMAGES][grid.totalAnchors() * 4];
        float[][][] gradCls = new float[IMAGES][grid.numLevels()][];
        float[][] gradBox = new float[IMAGES][grid.totalAnchors() * 4];
        for (int i = 0; i < IMAGES; i++) {
            for (int l = 0; l < grid.numLevels(); l++) {
                float[] x = new float[grid.numAnchors(l) * CLASSES];
                for (int e = 0; e < x.length; e++) {
                    x[e] = (float) (-4.6 + 5.0 * (values.nextDouble() - 0.5));
                }
                logits[i][l] = x;
                gradCls[i][l] = new float[x.length];
            }
            for (int e = 0; e < deltas[i].length; e++) {
                deltas[i][e] = (float) (0.6 * (values.nextDouble() - 0.5));
            }
        }
        DetectionLoss loss = DetectionLoss.ghm(backend, GhmcConfig.retinanet(), GhmrConfig.retinanet(),
                LevelPolicy.PER_LEVEL);
        double[] step = new double[repeat];
        double[] tgt = new double[repeat];
        double[] lss = new double[repeat];
        for (int r = -warmups; r < repeat; r++) {
            long t0 = System.nanoTime();
            DetectionTargets t = builder.build(PAD_HEIGHT, PAD_WIDTH, images);
            long t1 = System.nanoTime();
            DetectionLossResult res = loss.compute(t, logits, deltas, gradCls, gradBox);
            long t2 = System.nanoTime();
            if (!Double.isFinite(res.total())) {
                throw new IllegalStateException("benchmark loss is not finite: " + res.total());
            }
            if (r >= 0) {
                tgt[r] = (t1 - t0) * 1e-9;
                lss[r] = (t2 - t1) * 1e-9;
                step[r] = (t2 - t0) * 1e-9;
            }
        }
        double[][] kernels = kernels(backend, targets, logits, deltas, repeat, warmups);
        return new Report(median(step), median(tgt), median(lss), median(kernels[0]), median(kernels[1]),
                grid.totalAnchors(), targets.numPositives(), repeat);
    }

    /**
     * Median seconds of the max-IoU assignment alone for one 800 x 1344 image (201,600 anchors, all
     * inside) against {@code gtBoxes} random boxes.
     */
    public static double measureAssignment(int gtBoxes, int repeat) {
        Random random = new Random(5L);
        AnchorGrid grid = new org.ghm4j.detection.anchor.AnchorGenerator(
                org.ghm4j.detection.anchor.AnchorConfig.retinanet()).grid(PAD_HEIGHT, PAD_WIDTH);
        float[] boxes = new float[4 * gtBoxes];
        for (int g = 0; g < gtBoxes; g++) {
            double w = 16 + random.nextDouble() * 400;
            double h = 16 + random.nextDouble() * 400;
            double x = random.nextDouble() * (WIDTH - w);
            double y = random.nextDouble() * (HEIGHT - h);
            boxes[4 * g] = (float) x;
            boxes[4 * g + 1] = (float) y;
            boxes[4 * g + 2] = (float) (x + w);
            boxes[4 * g + 3] = (float) (y + h);
        }
        byte[] inside = grid.validFlags(PAD_HEIGHT, PAD_WIDTH);
        org.ghm4j.detection.assign.MaxIoUAssigner assigner = new org.ghm4j.detection.assign.MaxIoUAssigner(
                org.ghm4j.detection.assign.AssignerConfig.retinanet());
        double[] times = new double[repeat];
        for (int r = -2; r < repeat; r++) {
            long t0 = System.nanoTime();
            assigner.assign(grid, inside, boxes);
            long t1 = System.nanoTime();
            if (r >= 0) {
                times[r] = (t1 - t0) * 1e-9;
            }
        }
        return median(times);
    }

    /** Bare backend calls on level inputs prepared beforehand, to tell kernel time from the module's own work. */
    private static double[][] kernels(GhmBackend backend, DetectionTargets targets, float[][][] logits,
                                      float[][] deltas, int repeat, int warmups) {
        AnchorGrid grid = targets.grid();
        int levels = grid.numLevels();
        LossInput[] cls = new LossInput[levels];
        LossInput[] reg = new LossInput[levels];
        FloatArrayTensor[] clsGrad = new FloatArrayTensor[levels];
        FloatArrayTensor[] regGrad = new FloatArrayTensor[levels];
        for (int l = 0; l < levels; l++) {
            int n = grid.numAnchors(l) * IMAGES;
            float[] x = new float[n * CLASSES];
            float[] t = new float[n * CLASSES];
            float[] w = new float[n];
            List<float[]> pred = new ArrayList<>();
            List<double[]> tg = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                ImageTargets it = targets.image(i);
                int off = i * grid.numAnchors(l);
                System.arraycopy(logits[i][l], 0, x, off * CLASSES, grid.numAnchors(l) * CLASSES);
                System.arraycopy(it.labelWeights(), grid.levelStart(l), w, off, grid.numAnchors(l));
                for (int a = 0; a < grid.numAnchors(l); a++) {
                    int label = it.labels()[grid.levelStart(l) + a];
                    if (label < CLASSES) {
                        t[(off + a) * CLASSES + label] = 1f;
                    }
                }
                for (int p = 0; p < it.numPositives(); p++) {
                    int j = it.posIndex()[p];
                    if (grid.levelOf(j) == l) {
                        pred.add(Arrays.copyOfRange(deltas[i], 4 * j, 4 * j + 4));
                        tg.add(Arrays.copyOfRange(it.posTargets(), 4 * p, 4 * p + 4));
                    }
                }
            }
            cls[l] = LossInput.of(Tensor.of(x, n, CLASSES),
                    Tensor.of(t, n, CLASSES), Tensor.of(w, n));
            clsGrad[l] = Tensor.of(new float[n * CLASSES], n, CLASSES);
            float[] px = new float[pred.size() * 4];
            float[] pt = new float[pred.size() * 4];
            for (int p = 0; p < pred.size(); p++) {
                for (int c = 0; c < 4; c++) {
                    px[4 * p + c] = pred.get(p)[c];
                    pt[4 * p + c] = (float) tg.get(p)[c];
                }
            }
            reg[l] = LossInput.of(Tensor.of(px, pred.size(), 4),
                    Tensor.of(pt, pred.size(), 4));
            regGrad[l] = Tensor.of(new float[pred.size() * 4], pred.size(), 4);
        }
        HarmonizedLoss ghmc = backend.loss(GhmcConfig.retinanet());
        HarmonizedLoss ghmr = backend.loss(GhmrConfig.retinanet());
        LossOutput out = new LossOutput();
        double[] c = new double[repeat];
        double[] r = new double[repeat];
        for (int k = -warmups; k < repeat; k++) {
            long t0 = System.nanoTime();
            for (int l = 0; l < levels; l++) {
                out.gradientInto(clsGrad[l]);
                ghmc.compute(cls[l], out);
            }
            long t1 = System.nanoTime();
            for (int l = 0; l < levels; l++) {
                out.gradientInto(regGrad[l]);
                ghmr.compute(reg[l], out);
            }
            long t2 = System.nanoTime();
            if (k >= 0) {
                c[k] = (t1 - t0) * 1e-9;
                r[k] = (t2 - t1) * 1e-9;
            }
        }
        return new double[][] {c, r};
    }

    /** 2 images of 800 x 1333 with 20 boxes each: sides 16 to 512 px, aspect 1:3 to 3:1, classes 0..79. */
    static List<ImageAnnotation> scene(Random random) {
        List<ImageAnnotation> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            float[] boxes = new float[BOXES * 4];
            int[] labels = new int[BOXES];
            for (int g = 0; g < BOXES; g++) {
                double size = 16 * Math.pow(32, random.nextDouble());
                double aspect = Math.pow(3, 2 * random.nextDouble() - 1);
                double w = Math.min(size * Math.sqrt(aspect), WIDTH - 2);
                double h = Math.min(size / Math.sqrt(aspect), HEIGHT - 2);
                double x = random.nextDouble() * (WIDTH - w);
                double y = random.nextDouble() * (HEIGHT - h);
                boxes[4 * g] = (float) x;
                boxes[4 * g + 1] = (float) y;
                boxes[4 * g + 2] = (float) (x + w);
                boxes[4 * g + 3] = (float) (y + h);
                labels[g] = random.nextInt(CLASSES);
            }
            images.add(new ImageAnnotation(HEIGHT, WIDTH, PAD_HEIGHT, PAD_WIDTH, boxes, labels));
        }
        return images;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
