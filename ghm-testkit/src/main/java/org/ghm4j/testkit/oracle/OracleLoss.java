package org.ghm4j.testkit.oracle;

import java.util.Arrays;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.HistogramSynchronizer;
import org.ghm4j.api.tensor.Tensor;

/**
 * The oracle's loss: GHM-C (GHM-2), categorical GHM-C (GHM-3) and GHM-R (GHM-4) element by
 * element in float64, in the order the spec states them: read and check every input (GHM-6),
 * compute g, bin it, count, update the state once, weight, reduce (GHM-1.9, D-1). Slow and plain
 * on purpose.
 */
final class OracleLoss implements HarmonizedLoss {
    private static final double GHMC_PROBABILITY_EPSILON = 1e-7;

    private final LossConfig config;
    private final OracleMath math;
    private final OracleDensity density;
    private final float[] edges;

    OracleLoss(LossConfig config, OracleMath math) {
        this.config = config;
        this.math = math;
        this.density = new OracleDensity(config.estimatorConfig(), math);
        this.edges = math.edges(config.bins(), config.estimatorConfig().topEdge().value());
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    public DensityState snapshot() {
        return density.snapshot();
    }

    @Override
    public void restore(DensityState state) {
        density.restore(state);
    }

    @Override
    public void reset() {
        density.reset();
    }

    @Override
    public void synchronizer(HistogramSynchronizer synchronizer) {
        density.synchronizer(synchronizer);
    }

    @Override
    public double compute(LossInput input, LossOutput output, StateUpdate update) {
        if (config instanceof CategoricalConfig c) {
            return categorical(c, input, output, update == StateUpdate.COMMIT);
        }
        return elementwise(input, output, update == StateUpdate.COMMIT);
    }

    /** GHM-2 and GHM-4: one histogram entry per valid element. */
    private double elementwise(LossInput input, LossOutput output, boolean commit) {
        boolean ghmc = config instanceof GhmcConfig;
        boolean probabilities = ghmc && ((GhmcConfig) config).input() == InputKind.PROBABILITIES;
        int[] shape = input.pred().shape();
        int len = input.pred().length();
        double[] x = probabilities
                ? OracleInputs.read("pred", input.pred(), 0.0, 1.0, "[0, 1]", "GHM-6.3")
                : OracleInputs.readFinite("pred", input.pred());
        double[] t = ghmc
                ? OracleInputs.read("target", input.target(), 0.0, 1.0, "[0, 1]", "GHM-6.3")
                : OracleInputs.readFinite("target", input.target());
        double[] w = weights(input, shape, len);
        Outputs out = Outputs.prepare(output, input.pred(), shape, shape, config.reduction());

        double[] l = new double[len];
        double[] dl = new double[len];
        int[] bin = new int[len];
        long[] counts = new long[config.bins()];
        long valid = 0;
        double weightSum = 0.0;
        for (int i = 0; i < len; i++) {
            double g;
            if (!ghmc) {
                double d = x[i] - t[i];
                double r = Math.sqrt(d * d + ((GhmrConfig) config).mu() * ((GhmrConfig) config).mu());
                l[i] = r - ((GhmrConfig) config).mu();
                g = Math.abs(d) / r;
                dl[i] = d / r;
            } else if (probabilities) {
                double pc = Math.min(Math.max(x[i], GHMC_PROBABILITY_EPSILON), 1.0 - GHMC_PROBABILITY_EPSILON);
                l[i] = -(t[i] * Math.log(pc) + (1.0 - t[i]) * Math.log(1.0 - pc));
                g = Math.abs(x[i] - t[i]);
                dl[i] = pc == x[i] ? -t[i] / pc + (1.0 - t[i]) / (1.0 - pc) : 0.0;
            } else {
                double p = math.sigmoid(x[i]);
                l[i] = math.bceWithLogits(x[i], t[i]);
                g = Math.abs(p - t[i]);
                dl[i] = p - t[i];
            }
            weightSum += w[i];
            bin[i] = -1;
            if (w[i] > 0) {
                bin[i] = math.bin(g, edges);
                if (bin[i] < 0) {
                    throw InputErrors.outOfRange("pred", shape, i, x[i], "a range giving g in [0, last edge)", "GHM-1.2");
                }
                counts[bin[i]]++;
                valid++;
            }
        }
        double tot = ghmc ? Math.max(valid, 1) : Math.max(weightSum, 1.0);
        double[] binValue = density.apply(counts, tot, commit, output.stats());
        double[] beta = new double[len];
        for (int i = 0; i < len; i++) {
            beta[i] = bin[i] >= 0 ? binValue[bin[i]] : 0.0;
        }
        return out.finish(beta, l, dl, output.stats().tot(), config.lossWeight(), null);
    }

    /** GHM-3: rows of C classes; every class element of a valid row enters the histogram (GHM-3.2). */
    private double categorical(CategoricalConfig c, LossInput input, LossOutput output, boolean commit) {
        int[] shape = input.pred().shape();
        if (shape.length != 2) {
            throw InputErrors.shape("pred", shape, "target", input.target().shape(),
                    "categorical losses take rows of classes, shape [N, C] (GHM-3.1)");
        }
        int n = shape[0];
        int classes = shape[1];
        if (input.labelWeight() != null && !Arrays.equals(input.labelWeight().shape(), new int[] {n})) {
            throw InputErrors.shape("labelWeight", input.labelWeight().shape(), "pred", shape,
                    "categorical losses take one weight per row, shape [" + n + "] (D-6)");
        }
        boolean probabilities = c.input() == InputKind.PROBABILITIES;
        double[] z = probabilities
                ? OracleInputs.read("pred", input.pred(), 0.0, 1.0, "[0, 1]", "GHM-6.3")
                : OracleInputs.readFinite("pred", input.pred());
        double[] y = OracleInputs.read("target", input.target(), 0.0, 1.0, "[0, 1]", "D-9");
        double[] v = input.labelWeight() == null ? null : OracleInputs.readWeights("labelWeight", input.labelWeight());
        Outputs out = Outputs.prepare(output, input.pred(), shape, new int[] {n}, c.reduction());

        int len = n * classes;
        double eps = c.epsilon();
        boolean seed = c.mode() == CategoricalMode.SEED;
        double[] p = new double[len];
        double[] logP = new double[len];
        for (int r = 0; r < n; r++) {
            int o = r * classes;
            if (probabilities) {
                for (int k = 0; k < classes; k++) {
                    p[o + k] = z[o + k];
                    logP[o + k] = Math.log(clip(z[o + k], eps));
                }
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, z[o + k]);
                }
                double sum = 0.0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(z[o + k] - max);
                }
                double logSum = max + Math.log(sum);
                for (int k = 0; k < classes; k++) {
                    p[o + k] = Math.exp(z[o + k] - logSum);
                    logP[o + k] = seed ? Math.log(clip(p[o + k], eps)) : z[o + k] - logSum;
                }
            }
        }

        int[] bin = new int[len];
        long[] counts = new long[c.bins()];
        long validRows = 0;
        for (int r = 0; r < n; r++) {
            boolean valid = v == null || v[r] > 0;
            validRows += valid ? 1 : 0;
            for (int k = 0; k < classes; k++) {
                int i = r * classes + k;
                double g = Math.abs(y[i] - (seed ? clip(p[i], eps) : p[i]));
                bin[i] = -1;
                if (valid) {
                    bin[i] = math.bin(g, edges);
                    if (bin[i] < 0) {
                        throw InputErrors.outOfRange("pred", shape, i, z[i], "a range giving g in [0, last edge)", "GHM-1.2");
                    }
                    counts[bin[i]]++;
                }
            }
        }
        double tot = Math.max(validRows * classes, 1);
        double[] binValue = density.apply(counts, tot, commit, output.stats());

        // factor[i] multiplies the element's cross-entropy: 1 / D (seed, 1 for invalid rows) or beta.
        double[] factor = new double[len];
        double[] l = new double[len];
        double[] dlDp = new double[len];
        for (int i = 0; i < len; i++) {
            if (seed) {
                factor[i] = bin[i] >= 0 ? 1.0 / binValue[bin[i]] : 1.0;
            } else {
                factor[i] = bin[i] >= 0 ? binValue[bin[i]] : 0.0;
            }
            l[i] = -y[i] * logP[i];
            boolean clipped = p[i] < eps || p[i] > 1.0 - eps;
            dlDp[i] = (seed || probabilities) && clipped ? 0.0 : -y[i] / clip(p[i], eps);
        }
        double[] dl = new double[len];
        if (probabilities) {
            dl = dlDp;
        } else if (seed) {
            for (int r = 0; r < n; r++) {
                int o = r * classes;
                for (int k = 0; k < classes; k++) {
                    double s = 0.0;
                    for (int j = 0; j < classes; j++) {
                        s += factor[o + j] * dlDp[o + j] * p[o + j] * ((j == k ? 1.0 : 0.0) - p[o + k]);
                    }
                    dl[o + k] = s;
                }
            }
        } else {
            for (int r = 0; r < n; r++) {
                int o = r * classes;
                for (int k = 0; k < classes; k++) {
                    double s = 0.0;
                    for (int j = 0; j < classes; j++) {
                        s += factor[o + j] * y[o + j] * (p[o + k] - (j == k ? 1.0 : 0.0));
                    }
                    dl[o + k] = s;
                }
            }
        }
        // With logits, dl above already holds the weighted row gradient (chain rule through the softmax).
        double norm = seed ? Math.max(n, 1) : output.stats().tot();
        return out.finish(factor, l, dl, norm, c.lossWeight(), probabilities ? null : classes);
    }

    private double[] weights(LossInput input, int[] shape, int len) {
        if (input.labelWeight() == null) {
            return OracleInputs.broadcast(null, null, shape, len);
        }
        double[] w = OracleInputs.readWeights("labelWeight", input.labelWeight());
        return OracleInputs.broadcast(w, input.labelWeight().shape(), shape, len);
    }

    private static double clip(double p, double eps) {
        return Math.min(Math.max(p, eps), 1.0 - eps);
    }

    /** The reduction and the writing of the outputs (GHM-1.9, D-1, D-11). */
    private static final class Outputs {
        private final LossOutput output;
        private final Reduction reduction;
        private final Tensor gradient;
        private final Tensor weights;
        private final Tensor elementLoss;

        private Outputs(LossOutput output, Reduction reduction, Tensor gradient, Tensor weights, Tensor elementLoss) {
            this.output = output;
            this.reduction = reduction;
            this.gradient = gradient;
            this.weights = weights;
            this.elementLoss = elementLoss;
        }

        /** Takes every output buffer before the state moves, so a wrong supplied buffer fails the call first. */
        static Outputs prepare(LossOutput output, Tensor pred, int[] shape, int[] rowShape, Reduction reduction) {
            Tensor g = output.wantsGradient() ? output.gradientBuffer(shape, s -> Tensor.zeros(pred.dtype(), s)) : null;
            Tensor w = output.wantsWeights() ? output.weightsBuffer(shape, s -> Tensor.zeros(pred.dtype(), s)) : null;
            Tensor e = null;
            if (reduction == Reduction.NONE) {
                e = output.elementLossBuffer(rowShape, s -> Tensor.zeros(pred.dtype(), s));
            } else {
                output.clearElementLoss();
            }
            return new Outputs(output, reduction, g, w, e);
        }

        /**
         * @param factor  beta (or 1/D) per element
         * @param l       element losses
         * @param dl      d l / d pred per element; when {@code rowClasses} is non-null it is already
         *                the weighted row gradient (categorical logits) and is not multiplied by factor
         * @param norm    tot (MEAN of GHM-C/R and harmonized categorical) or N (seed categorical)
         */
        double finish(double[] factor, double[] l, double[] dl, double norm, double lossWeight, Integer rowClasses) {
            double scale = reduction == Reduction.MEAN ? lossWeight / norm : lossWeight;
            double sum = 0.0;
            for (int i = 0; i < l.length; i++) {
                sum += factor[i] * l[i];
            }
            double loss = reduction == Reduction.MEAN ? lossWeight * sum / norm : lossWeight * sum;
            if (gradient != null) {
                for (int i = 0; i < dl.length; i++) {
                    gradient.setDouble(i, rowClasses != null ? scale * dl[i] : scale * factor[i] * dl[i]);
                }
            }
            if (weights != null) {
                for (int i = 0; i < factor.length; i++) {
                    weights.setDouble(i, factor[i]);
                }
            }
            if (elementLoss != null) {
                int rows = elementLoss.length();
                int per = rows == 0 ? 0 : l.length / rows;
                double total = 0.0;
                for (int r = 0; r < rows; r++) {
                    double s = 0.0;
                    for (int k = 0; k < per; k++) {
                        s += factor[r * per + k] * l[r * per + k];
                    }
                    elementLoss.setDouble(r, lossWeight * s);
                    total += lossWeight * s;
                }
                loss = total;
            }
            output.setLoss(loss);
            return loss;
        }
    }
}
