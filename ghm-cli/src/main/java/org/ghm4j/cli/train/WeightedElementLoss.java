package org.ghm4j.cli.train;

import org.ghm4j.api.error.InputErrors;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The baseline losses of the training comparison as DL4J {@link ILossFunction}s: an element loss
 * l(x, t) summed with weights and divided by a normalizer, as mmdetection's RetinaNet head does,
 *
 * <pre>
 *   L = sum_i w_i l(x_i, t_i) / D,   dL/dx_i = w_i l'(x_i, t_i) / D,
 * </pre>
 *
 * where x = f(z) is the layer's activation output (use {@code Activation.IDENTITY}: x = z are the
 * logits or deltas; any other activation's gradient goes through {@link IActivation#backprop}),
 * t the labels, w the DL4J mask taken as label weights (null: all 1; per example [N, 1]: one weight
 * per row; per output: the labels' shape) and D = {@link #normalizer} (for example the number of
 * positive anchors). D is treated as a constant of the batch, as mmdetection's {@code avg_factor}.
 *
 * <p>Scale: DL4J divides the score and the gradient by the minibatch size N (score with
 * {@code average = true}, gradient in the updater), as for its own losses. {@link #computeScoreArray}
 * gives [N, 1] per-example shares summing to L. Arithmetic in float64; arrays of the preOutput's type.
 * Stateless and thread-safe.
 */
public abstract class WeightedElementLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** l(x, t). */
    protected abstract double value(double x, double t);

    /** dl/dx at (x, t). */
    protected abstract double derivative(double x, double t);

    /** D >= 1 for the batch, from the labels and the expanded weights (same length). */
    protected abstract double normalizer(double[] t, double[] w);

    /** The per-batch quantities: per-row sums of w l / D and the gradient dL/dx (not yet through f). */
    private record Eval(double[] rowSums, double total, INDArray dLdx) {
    }

    private Eval eval(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean gradient) {
        INDArray out = activationFn.getActivation(preOutput.dup(), gradient);
        if (!java.util.Arrays.equals(labels.shape(), out.shape()) || out.rank() != 2) {
            throw InputErrors.shape("labels", shape(labels), "preOutput", shape(out),
                    "labels must have the preOutput's shape [N, C]");
        }
        int rows = (int) out.size(0);
        int cols = (int) out.size(1);
        double[] x = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] t = labels.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] w = weights(mask, rows, cols, out);
        double d = normalizer(t, w);
        double[] rowSums = new double[rows];
        double total = 0;
        double[] g = gradient ? new double[x.length] : null;
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (w[i] != 0) {
                    s += w[i] * value(x[i], t[i]);
                    if (g != null) {
                        g[i] = w[i] * derivative(x[i], t[i]) / d;
                    }
                }
            }
            rowSums[r] = s / d;
            total += s;
        }
        INDArray dLdx = g == null ? null : Nd4j.create(g, new long[] {rows, cols}, 'c').castTo(preOutput.dataType());
        return new Eval(rowSums, total / d, dLdx);
    }

    private static double[] weights(INDArray mask, int rows, int cols, INDArray out) {
        double[] w = new double[rows * cols];
        if (mask == null) {
            java.util.Arrays.fill(w, 1.0);
            return w;
        }
        double[] m = mask.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        if (m.length == rows && (mask.rank() == 1 || mask.rank() == 2 && mask.size(1) == 1)) {
            for (int r = 0; r < rows; r++) {
                java.util.Arrays.fill(w, r * cols, (r + 1) * cols, m[r]);
            }
            return w;
        }
        if (mask.rank() == 2 && mask.size(0) == rows && mask.size(1) == cols) {
            return m;
        }
        throw InputErrors.shape("mask", shape(mask), "preOutput", shape(out),
                "a mask must be per example [N, 1] or per output (the labels' shape)");
    }

    private static int[] shape(INDArray a) {
        long[] s = a.shape();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = (int) s[i];
        }
        return r;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double total = eval(labels, preOutput, activationFn, mask, false).total();
        return average ? total / preOutput.size(0) : total;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] rows = eval(labels, preOutput, activationFn, mask, false).rowSums();
        return Nd4j.create(rows, new long[] {rows.length, 1}, 'c').castTo(preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return computeGradientAndScore(labels, preOutput, activationFn, mask, false).getSecond();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                         IActivation activationFn, INDArray mask, boolean average) {
        Eval e = eval(labels, preOutput, activationFn, mask, true);
        INDArray dLdz = activationFn.backprop(preOutput.dup(), e.dLdx()).getFirst();
        double score = average ? e.total() / preOutput.size(0) : e.total();
        return new Pair<>(score, dLdz);
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The number of positives: elements with a nonzero weight and a label >= 0.5, at least 1. */
    static double positives(double[] t, double[] w) {
        long n = 0;
        for (int i = 0; i < t.length; i++) {
            if (w[i] != 0 && t[i] >= 0.5) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** 1 / (1 + e^-x). */
    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
