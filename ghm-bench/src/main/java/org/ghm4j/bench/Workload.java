package org.ghm4j.bench;

import java.util.SplittableRandom;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.tensor.Tensor;

/**
 * The benchmark batches, seeded and shared by {@code ./ghm bench} and the JMH benchmarks.
 * <ul>
 *   <li>{@code ghmc}: anchors x 80 classes (8,000,000 elements = 100k anchors); logits ~ N(-4.6, 1.5)
 *       for negatives, N(0, 1.5) for the true class of ~0.2% positive anchors; ~5% of anchors ignored
 *       (label weight [N] = 0); GHM-C 30 bins, momentum 0.75.</li>
 *   <li>{@code ghmr}: anchors x 4 deltas ~ N(0, 0.5) against targets ~ N(0, 0.5); GHM-R retinanet recipe.</li>
 *   <li>{@code categorical}: rows x 80 classes, logits ~ N(0, 2), one-hot targets; harmonized mode.</li>
 * </ul>
 */
public enum Workload {
    GHMC(80) {
        @Override
        public LossConfig config() {
            return GhmcConfig.mmdetection();
        }
    },
    GHMR(4) {
        @Override
        public LossConfig config() {
            return GhmrConfig.retinanet();
        }
    },
    CATEGORICAL(80) {
        @Override
        public LossConfig config() {
            return CategoricalConfig.harmonizedCategorical();
        }
    };

    private final int columns;

    Workload(int columns) {
        this.columns = columns;
    }

    /** Elements per row (classes or deltas). */
    public int columns() {
        return columns;
    }

    public abstract LossConfig config();

    /** The name used on the command line and in result lines: {@code ghmc}, {@code ghmr}, {@code categorical}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Workload of(String id) {
        for (Workload w : values()) {
            if (w.id().equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + id + "' (expected ghmc, ghmr or categorical)");
    }

    /** A seeded batch of about {@code elements} elements (rounded down to whole rows, at least one). */
    public LossInput batch(int elements, long seed) {
        int rows = Math.max(1, elements / columns);
        int n = rows * columns;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] pred = new float[n];
        float[] target = new float[n];
        float[] weight = new float[rows];
        for (int r = 0; r < rows; r++) {
            weight[r] = rnd.nextDouble() < 0.05 ? 0f : 1f;
            int base = r * columns;
            switch (this) {
                case GHMC -> {
                    int positive = rnd.nextDouble() < 0.002 ? rnd.nextInt(columns) : -1;
                    for (int c = 0; c < columns; c++) {
                        boolean pos = c == positive;
                        pred[base + c] = (float) (pos ? gaussian(rnd) * 1.5 : -4.6 + gaussian(rnd) * 1.5);
                        target[base + c] = pos ? 1f : 0f;
                    }
                }
                case GHMR -> {
                    for (int c = 0; c < columns; c++) {
                        pred[base + c] = (float) (gaussian(rnd) * 0.5);
                        target[base + c] = (float) (gaussian(rnd) * 0.5);
                    }
                }
                case CATEGORICAL -> {
                    int label = rnd.nextInt(columns);
                    for (int c = 0; c < columns; c++) {
                        pred[base + c] = (float) (gaussian(rnd) * 2.0);
                        target[base + c] = c == label ? 1f : 0f;
                    }
                }
                default -> throw new IllegalStateException(name());
            }
        }
        return LossInput.of(Tensor.of(pred, rows, columns), Tensor.of(target, rows, columns), Tensor.of(weight, rows));
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u)) * Math.cos(2.0 * Math.PI * v);
    }
}
