package org.ghm4j.cli.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.eval.DetectionEvaluator;
import org.ghm4j.detection.eval.EvalResult;
import org.ghm4j.detection.eval.PostProcessor;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.TargetBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the {@link DetectorModel} on a {@link ShapesDataset} with one {@link LossKind} and evaluates
 * it on the validation split.
 *
 * <p>Per iteration: the next {@code batchSize} training images (a seeded permutation per epoch),
 * targets from ghm-detection's {@link TargetBuilder} (max-IoU assignment, label weights, encoded
 * deltas of the positives), written into the network's output layout as labels and masks (class
 * labels one-hot, class mask = label weight of the anchor; box labels = target deltas, box mask 1 on
 * the positives' deltas), then one {@code fit}. Evaluation: mmdetection's RetinaNet test pipeline
 * ({@link PostProcessor#retinanet()}) and {@link DetectionEvaluator} (mAP@0.5, COCO AP).
 *
 * <p>Everything is a function of the seed: dataset, batch order and weight initialisation, so two
 * runs with the same settings and loss see the same data in the same order.
 */
public final class Trainer {

    /** Called after each iteration. */
    @FunctionalInterface
    public interface Listener {
        void iteration(int done, int total, double loss, double elapsedSeconds);
    }

    /**
     * @param dataset    the data
     * @param iterations training iterations, >= 1
     * @param batchSize  images per iteration, >= 1
     * @param learningRate Adam's initial learning rate, > 0
     * @param seed       seed of the batch order and the weights
     */
    public record Settings(ShapesDataset dataset, int iterations, int batchSize, double learningRate, long seed) {
        public Settings {
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
            }
            if (iterations < 1 || batchSize < 1 || batchSize > dataset.trainSize()) {
                throw new IllegalArgumentException("need iterations >= 1 and 1 <= batchSize <= trainSize ("
                        + dataset.trainSize() + "), got " + iterations + ", " + batchSize);
            }
        }
    }

    /** A batch in network layout. */
    record Batch(INDArray images, INDArray clsLabels, INDArray clsMask, INDArray boxLabels, INDArray boxMask,
                 DetectionTargets targets) {
        MultiDataSet dataSet() {
            return new MultiDataSet(new INDArray[] {images}, new INDArray[] {clsLabels, boxLabels}, null,
                    new INDArray[] {clsMask, boxMask});
        }
    }

    private final Settings settings;
    private final DetectorModel model;
    private final TargetBuilder targets;

    public Trainer(Settings settings) {
        this.settings = settings;
        this.model = new DetectorModel(settings.dataset().size(), ShapesDataset.NUM_CLASSES);
        this.targets = new TargetBuilder(model.targetConfig());
    }

    public DetectorModel model() {
        return model;
    }

    /** A new untrained network for {@code loss}. */
    public ComputationGraph network(LossKind loss) {
        return model.build(loss.classification(), loss.regression(), settings.iterations(),
                settings.learningRate(), settings.seed());
    }

    /** Trains a new network with {@code loss} and evaluates it. */
    public TrainResult run(LossKind loss, Listener listener) {
        ComputationGraph net = network(loss);
        double[] losses = new double[settings.iterations()];
        int[] order = order(0);
        int cursor = 0;
        int epoch = 0;
        long start = System.nanoTime();
        int b = settings.batchSize();
        for (int it = 0; it < settings.iterations(); it++) {
            if (cursor + b > order.length) {
                order = order(++epoch);
                cursor = 0;
            }
            int[] idx = java.util.Arrays.copyOfRange(order, cursor, cursor + b);
            cursor += b;
            Batch batch = batch(ShapesDataset.Split.TRAIN, idx);
            net.fit(batch.dataSet());
            double score = net.score();
            if (!Double.isFinite(score)) {
                throw new IllegalStateException("training with loss " + loss.id() + " diverged at iteration " + (it + 1)
                        + ": score " + score);
            }
            losses[it] = score;
            if (listener != null) {
                listener.iteration(it + 1, settings.iterations(), score, (System.nanoTime() - start) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int tail = TrainResult.tail(losses.length);
        double sum = 0;
        for (int i = losses.length - tail; i < losses.length; i++) {
            sum += losses[i];
        }
        EvalResult eval = evaluate(net);
        return new TrainResult(loss, settings.iterations(), seconds, losses, sum / tail, eval.map50(), eval.cocoAp());
    }

    /** Validation mAP@0.5 and COCO AP of {@code net}. */
    public EvalResult evaluate(ComputationGraph net) {
        ShapesDataset data = settings.dataset();
        DetectionEvaluator evaluator = new DetectionEvaluator(ShapesDataset.NUM_CLASSES);
        PostProcessor post = PostProcessor.retinanet();
        AnchorGrid grid = model.grid();
        int k = model.numClasses();
        int n = data.count(ShapesDataset.Split.VALIDATION);
        int chunk = 32;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            List<ShapesDataset.Sample> samples = new ArrayList<>();
            for (int i = from; i < to; i++) {
                samples.add(data.sample(ShapesDataset.Split.VALIDATION, i));
            }
            INDArray[] out = net.output(false, images(samples));
            float[][] cls = out[0].toFloatMatrix();
            float[][] box = out[1].toFloatMatrix();
            for (int i = 0; i < samples.size(); i++) {
                float[][] logits = new float[grid.numLevels()][];
                for (int l = 0; l < grid.numLevels(); l++) {
                    int start = grid.levelStart(l);
                    float[] x = new float[grid.numAnchors(l) * k];
                    for (int a = 0; a < grid.numAnchors(l); a++) {
                        for (int c = 0; c < k; c++) {
                            x[a * k + c] = cls[i][model.clsColumn(start + a, c)];
                        }
                    }
                    logits[l] = x;
                }
                float[] deltas = new float[grid.totalAnchors() * 4];
                for (int j = 0; j < grid.totalAnchors(); j++) {
                    for (int c = 0; c < 4; c++) {
                        deltas[4 * j + c] = box[i][model.boxColumn(j, c)];
                    }
                }
                int s = data.size();
                evaluator.add(post.process(grid, model.targetConfig().coder(), logits, deltas, k, new int[] {s, s}),
                        samples.get(i).boxes(), samples.get(i).labels());
            }
        }
        return evaluator.evaluate();
    }

    /** The training images of {@code split} at {@code idx} with their targets in network layout. */
    Batch batch(ShapesDataset.Split split, int[] idx) {
        ShapesDataset data = settings.dataset();
        List<ShapesDataset.Sample> samples = new ArrayList<>();
        List<ImageAnnotation> ann = new ArrayList<>();
        for (int i : idx) {
            ShapesDataset.Sample s = data.sample(split, i);
            samples.add(s);
            ann.add(ImageAnnotation.of(data.size(), data.size(), s.boxes(), s.labels()));
        }
        DetectionTargets t = targets.build(data.size(), data.size(), ann);
        int n = idx.length;
        int k = model.numClasses();
        int anchors = model.grid().totalAnchors();
        float[] clsLabels = new float[n * model.clsWidth()];
        float[] clsMask = new float[n * model.clsWidth()];
        float[] boxLabels = new float[n * model.boxWidth()];
        float[] boxMask = new float[n * model.boxWidth()];
        for (int i = 0; i < n; i++) {
            ImageTargets it = t.image(i);
            int cRow = i * model.clsWidth();
            for (int j = 0; j < anchors; j++) {
                float w = it.labelWeights()[j];
                int label = it.labels()[j];
                for (int c = 0; c < k; c++) {
                    int col = cRow + model.clsColumn(j, c);
                    clsMask[col] = w;
                    clsLabels[col] = label == c ? 1f : 0f;
                }
            }
            int bRow = i * model.boxWidth();
            for (int p = 0; p < it.numPositives(); p++) {
                int j = it.posIndex()[p];
                for (int c = 0; c < 4; c++) {
                    int col = bRow + model.boxColumn(j, c);
                    boxLabels[col] = (float) it.posTargets()[4 * p + c];
                    boxMask[col] = 1f;
                }
            }
        }
        return new Batch(images(samples),
                Nd4j.create(clsLabels, new long[] {n, model.clsWidth()}, 'c'),
                Nd4j.create(clsMask, new long[] {n, model.clsWidth()}, 'c'),
                Nd4j.create(boxLabels, new long[] {n, model.boxWidth()}, 'c'),
                Nd4j.create(boxMask, new long[] {n, model.boxWidth()}, 'c'), t);
    }

    private INDArray images(List<ShapesDataset.Sample> samples) {
        int s = settings.dataset().size();
        int per = 3 * s * s;
        float[] px = new float[samples.size() * per];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).pixels(), 0, px, i * per, per);
        }
        return Nd4j.create(px, new long[] {samples.size(), 3, s, s}, 'c');
    }

    /** The training indices in the order of {@code epoch}: a seeded Fisher-Yates permutation. */
    private int[] order(int epoch) {
        int n = settings.dataset().count(ShapesDataset.Split.TRAIN);
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        SplittableRandom r = new SplittableRandom(ShapesDataset.mix(settings.seed(), 0x4F52_4445_52L, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = o[i];
            o[i] = o[j];
            o[j] = tmp;
        }
        return o;
    }
}
