package org.ghm4j.backend.java.loss;

import java.util.Arrays;
import java.util.Objects;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.EmaBacked;
import org.ghm4j.api.state.EmaDensity;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Bins;
import org.ghm4j.backend.java.kernel.Scratch;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * The standalone {@link GradientDensityEstimator} (GHM-1): g and label weights in, weights out
 * (harmonized: beta = tot / S_bin / n, 0 when invalid; seed: 1 / S_bin, 1 when invalid).
 */
final class JavaEstimator implements GradientDensityEstimator, EmaBacked {
    private final EstimatorConfig config;
    private final Workers workers;
    private final EmaDensity density;
    private final Bins bins;
    private final int m;

    JavaEstimator(EstimatorConfig config, Workers workers) {
        this.config = Objects.requireNonNull(config, "config");
        this.workers = workers;
        this.density = new EmaDensity(config);
        this.bins = new Bins(config.edges());
        this.m = config.bins();
    }

    @Override
    public EstimatorConfig config() {
        return config;
    }

    @Override
    public void estimate(Tensor gradNorms, Tensor labelWeight, Tensor weightsOut, BinStats stats,
                         StateUpdate update) {
        int[] shape = gradNorms.shape();
        boolean rowWeights = false;
        if (labelWeight != null) {
            int[] w = labelWeight.shape();
            rowWeights = w.length == 1 && shape.length > 1 && w[0] == shape[0];
            if (!rowWeights && !Arrays.equals(w, shape)) {
                throw InputErrors.shape("labelWeight", w, "gradNorms", shape,
                        "labelWeight must have gradNorms' shape or [" + (shape.length > 0 ? shape[0] : 0) + "]");
            }
        }
        if (!Arrays.equals(weightsOut.shape(), shape)) {
            throw InputErrors.shape("weightsOut", weightsOut.shape(), "gradNorms", shape, "they must be equal");
        }
        Call c = new Call(new Scratch());
        c.layout(shape, m);
        c.bindInputs(gradNorms, gradNorms, labelWeight, rowWeights);
        workers.run(c.chunks, chunk -> pass1(c, chunk));
        c.throwFirstError(gradNorms, gradNorms, labelWeight, new Call.RangeRules("gradNorms",
                "[0, " + bins.top() + ")", "gradient norms lie in [0, last edge), GHM-1.2, D-8", "", ""));
        long[] counts = new long[m];
        double weightSum = 0;
        for (int ch = 0; ch < c.chunks; ch++) {
            for (int k = 0; k < m; k++) {
                counts[k] += c.counts[c.partialBase(ch) + k + 1];
            }
            weightSum += c.totParts[ch];
        }
        long valid = 0;
        for (long n : counts) {
            valid += n;
        }
        double[] binValue = new double[m];
        density.apply(counts, config.totRule() == TotRule.WEIGHT_SUM ? weightSum : valid,
                update == StateUpdate.COMMIT, binValue, stats);
        boolean seed = config.mode() == DensityMode.SEED;
        float[] beta = new float[m + 1];
        beta[0] = seed ? 1f : 0f;
        for (int k = 0; k < m; k++) {
            beta[k + 1] = (float) (seed ? (binValue[k] > 0 ? 1.0 / binValue[k] : 0.0) : binValue[k]);
        }
        float[] out;
        int off;
        if (weightsOut instanceof FloatArrayTensor f) {
            out = f.array();
            off = f.offset();
        } else {
            out = new float[c.length];
            off = 0;
        }
        for (int i = 0; i < c.length; i++) {
            out[off + i] = beta[c.slot[i]];
        }
        if (!(weightsOut instanceof FloatArrayTensor)) {
            weightsOut.copyFrom(out, 0);
        }
    }

    private void pass1(Call c, int chunk) {
        final int base = c.partialBase(chunk);
        final float[] g = c.pred;
        final int go = c.predOff;
        final float[] w = c.weight;
        final int wo = c.weightOff;
        final double top = bins.top();
        double weightSum = 0;
        final int r1 = c.rowEnd(chunk);
        for (int r = c.rowStart(chunk); r < r1; r++) {
            float wr = c.rowWeightOf(chunk, r);
            if (wr < 0f) {
                return;
            }
            for (int i = r * c.cols, end = i + c.cols; i < end; i++) {
                float gi = g[go + i];
                float wi = w == null ? wr : w[wo + i];
                if (!(gi >= 0f && gi < top)) {
                    c.fail(chunk, Call.ARG_PRED, i);
                    return;
                }
                if (!(wi >= 0f && wi <= Float.MAX_VALUE)) {
                    c.fail(chunk, Call.ARG_WEIGHT, i);
                    return;
                }
                weightSum += wi;
                if (wi > 0f) {
                    int s = bins.of(gi) + 1;
                    c.counts[base + s]++;
                    c.slot[i] = (short) s;
                } else {
                    c.slot[i] = 0;
                }
            }
        }
        c.totParts[chunk] = weightSum;
    }

    @Override
    public EmaDensity density() {
        return density;
    }
}
