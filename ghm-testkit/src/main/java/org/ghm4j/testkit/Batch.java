package org.ghm4j.testkit;

import java.util.Arrays;
import java.util.Random;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.testkit.oracle.OracleMath;

/**
 * A random batch of float32 inputs for the verification, drawn so that no element's g lies within
 * {@code margin} of an interior bin edge: then a float32 backend and the float64 oracle must put
 * every element in the same bin, and a small finite-difference step never moves an element to
 * another bin.
 *
 * @param pred        [N, C] (or the given shape), row-major
 * @param target      same shape
 * @param weight      label weights: null, the shape of pred, or [N]
 * @param shape       shape of pred
 * @param weightShape shape of weight (null when weight is null)
 */
record Batch(float[] pred, float[] target, float[] weight, int[] shape, int[] weightShape) {
    private static final OracleMath MATH = new OracleMath();

    /** The batch as tensors of {@code dtype} (fresh copies, so callers may modify them). */
    LossInput input(DType dtype) {
        return LossInput.of(tensor(pred, shape, dtype), tensor(target, shape, dtype),
                weight == null ? null : tensor(weight, weightShape, dtype));
    }

    LossInput input() {
        return input(DType.FLOAT32);
    }

    int length() {
        return pred.length;
    }

    Batch withPred(float[] p) {
        return new Batch(p, target, weight, shape, weightShape);
    }

    Batch withTarget(float[] t) {
        return new Batch(pred, t, weight, shape, weightShape);
    }

    Batch withWeight(float[] w, int[] ws) {
        return new Batch(pred, target, w, shape, ws);
    }

    static Tensor tensor(float[] v, int[] shape, DType dtype) {
        if (dtype == DType.FLOAT64) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return Tensor.of(d, shape.clone());
        }
        return Tensor.of(v.clone(), shape.clone());
    }

    /** True when g is at least {@code margin} from every interior edge of M bins (and from e_0 unless 0). */
    static boolean clearOfEdges(double g, int bins, double margin) {
        for (int k = 1; k < bins; k++) {
            if (Math.abs(g - (double) ((float) k / (float) bins)) < margin) {
                return false;
            }
        }
        return true;
    }

    /** Options for a random batch. */
    static final class Spec {
        int rows = 12;
        int classes = 3;
        int bins = 10;
        double margin = 1e-4;
        double invalid = 0.25;
        boolean rowWeights;
        boolean soft;
        boolean probabilities;
        double weightValue = 1.0;

        Spec rows(int v) {
            rows = v;
            return this;
        }

        Spec classes(int v) {
            classes = v;
            return this;
        }

        Spec bins(int v) {
            bins = v;
            return this;
        }

        Spec margin(double v) {
            margin = v;
            return this;
        }

        Spec invalid(double v) {
            invalid = v;
            return this;
        }

        Spec rowWeights(boolean v) {
            rowWeights = v;
            return this;
        }

        Spec soft(boolean v) {
            soft = v;
            return this;
        }

        Spec probabilities(boolean v) {
            probabilities = v;
            return this;
        }

        Spec weightValue(double v) {
            weightValue = v;
            return this;
        }
    }

    /** GHM-C: logits N(0, 2) (or probabilities in [0.02, 0.98]), hard (30% positive) or soft targets. */
    static Batch ghmc(Random r, Spec s) {
        int n = s.rows * s.classes;
        float[] x = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            double g;
            do {
                t[i] = s.soft ? (float) r.nextDouble() : (r.nextDouble() < 0.3 ? 1f : 0f);
                x[i] = s.probabilities ? (float) (0.02 + 0.96 * r.nextDouble()) : (float) (2.0 * r.nextGaussian());
                double p = s.probabilities ? x[i] : MATH.sigmoid(x[i]);
                g = Math.abs(p - t[i]);
            } while (!clearOfEdges(g, s.bins, s.margin));
        }
        return weights(r, s, new Batch(x, t, null, new int[] {s.rows, s.classes}, null));
    }

    /** GHM-R: deltas N(0, 0.3) for pred and target. */
    static Batch ghmr(Random r, Spec s, double mu) {
        int n = s.rows * s.classes;
        float[] x = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            double g;
            do {
                x[i] = (float) (0.3 * r.nextGaussian());
                t[i] = (float) (0.3 * r.nextGaussian());
                double d = (double) x[i] - (double) t[i];
                g = Math.abs(d) / Math.sqrt(d * d + mu * mu);
            } while (!clearOfEdges(g, s.bins, s.margin) || Math.abs((double) x[i] - t[i]) < 1e-3);
        }
        return weights(r, s, new Batch(x, t, null, new int[] {s.rows, s.classes}, null));
    }

    /** Categorical: rows of logits N(0, 2) (or their softmax as probabilities), one-hot or soft targets; row mask [N]. */
    static Batch categorical(Random r, Spec s, CategoricalMode mode, double epsilon) {
        int c = s.classes;
        float[] z = new float[s.rows * c];
        float[] y = new float[s.rows * c];
        for (int row = 0; row < s.rows; row++) {
            int o = row * c;
            boolean ok;
            do {
                double[] logits = new double[c];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    logits[k] = (float) (2.0 * r.nextGaussian());
                    max = Math.max(max, logits[k]);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += Math.exp(logits[k] - max);
                }
                double[] ys = new double[c];
                if (s.soft) {
                    double total = 0;
                    for (int k = 0; k < c; k++) {
                        ys[k] = r.nextDouble();
                        total += ys[k];
                    }
                    for (int k = 0; k < c; k++) {
                        ys[k] = (float) (ys[k] / total);
                    }
                } else {
                    ys[r.nextInt(c)] = 1.0;
                }
                ok = true;
                for (int k = 0; k < c; k++) {
                    double p = Math.exp(logits[k] - max) / sum;
                    float pf = (float) p;
                    z[o + k] = s.probabilities ? pf : (float) logits[k];
                    y[o + k] = (float) ys[k];
                    double pv = s.probabilities ? pf : p;
                    if (mode == CategoricalMode.SEED) {
                        pv = Math.min(Math.max(pv, epsilon), 1 - epsilon);
                    }
                    ok &= clearOfEdges(Math.abs(y[o + k] - pv), s.bins, s.margin) && pv > 1e-4 && pv < 1 - 1e-4;
                }
            } while (!ok);
        }
        Batch b = new Batch(z, y, null, new int[] {s.rows, c}, null);
        float[] mask = new float[s.rows];
        for (int i = 0; i < s.rows; i++) {
            mask[i] = r.nextDouble() < s.invalid ? 0f : 1f;
        }
        return s.invalid == 0 ? b : b.withWeight(mask, new int[] {s.rows});
    }

    private static Batch weights(Random r, Spec s, Batch b) {
        if (s.invalid == 0 && s.weightValue == 1.0) {
            return b;
        }
        int len = s.rowWeights ? s.rows : s.rows * s.classes;
        float[] w = new float[len];
        for (int i = 0; i < len; i++) {
            w[i] = r.nextDouble() < s.invalid ? 0f : (float) s.weightValue;
        }
        return b.withWeight(w, s.rowWeights ? new int[] {s.rows} : b.shape.clone());
    }

    @Override
    public String toString() {
        return "Batch" + Arrays.toString(shape) + (weight == null ? "" : " weights " + Arrays.toString(weightShape));
    }
}
