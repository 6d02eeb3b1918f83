package org.ghm4j.backend.nd4j;

import java.util.function.Function;

import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.ChunkBody;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * Categorical (softmax) GHM-C (GHM-3) on native memory. Rows of C classes, {@code pred} [N, C]
 * logits or probabilities, {@code target} [N, C] in [0, 1], row mask [N] (row valid when > 0).
 *
 * <p>Per element of a row: p = softmax(z) (or the given p), g per mode, l = -y log(.) per mode.
 * <ul>
 *   <li>SEED (GHM-3.3): pc = clip(p, eps, 1 - eps), g = |y - pc|, bins with last edge 1 (D-2),
 *       densities D_k per GHM-1.7 (D = 1 in invalid rows), row loss sum_c -y_c log(pc_c) / D_c,
 *       MEAN = lossWeight * sum of row losses / N. dL/dp_c = -y_c / (pc_c D_c) where p was not
 *       clipped (0 where it was); with logits, dL/dz_k = p_k (a_k - sum_c a_c p_c) with a = dL/dp.</li>
 *   <li>HARMONIZED (GHM-3.4, D-4): g = |y - p| (unclipped), GHM-C edges, beta per GHM-1.5/1.6 with
 *       tot = max(#valid rows * C, 1), l_c = -y_c log p_c (log-softmax from logits; log of p clipped
 *       to [eps, 1 - eps] for probabilities), invalid rows 0. Logits: dL/dz_k = f (p_k sum_c beta_c y_c
 *       - beta_k y_k); probabilities: dL/dp_c = -f beta_c y_c / pc_c where not clipped, else 0;
 *       f = lossWeight / tot (MEAN) or lossWeight.</li>
 * </ul>
 * With {@link Reduction#NONE} the element output holds one value per row (D-1), shape [N].
 * Rows are processed in fixed chunks of about 64k elements.
 */
final class Nd4jCategoricalLoss extends AbstractNd4jLoss<Nd4jCategoricalLoss.Call> {
    private final CategoricalConfig config;
    private final boolean seed;
    private final boolean logits;
    private final double eps;

    Nd4jCategoricalLoss(Workers workers, CategoricalConfig config) {
        super(workers, config);
        this.config = config;
        this.seed = config.mode() == CategoricalMode.SEED;
        this.logits = config.input() == InputKind.LOGITS;
        this.eps = config.epsilon();
    }

    @Override
    public LossConfig config() {
        return config;
    }

    @Override
    Call newScratch() {
        return new Call();
    }

    @Override
    double compute(LossInput input, LossOutput output, boolean commit, Call s) {
        Tensor predT = input.pred();
        int[] shape = s.shapeOf(predT);
        if (shape.length < 2) {
            throw InputErrors.shape("pred", predT.shape(), "target", input.target().shape(),
                    "categorical GHM-C needs rows of classes, shape [N, C] (GHM-3.1)");
        }
        Tensor maskT = input.labelWeight();
        if (maskT != null && !input.rowWeights()) {
            throw InputErrors.shape("labelWeight", maskT.shape(), "pred", predT.shape(),
                    "categorical GHM-C takes one weight per row, shape [" + shape[0] + "] (D-6)");
        }
        int rows = shape[0];
        int n = predT.length();
        int classes = rows == 0 ? 0 : n / rows;
        DType dtype = predT.dtype();
        int rowsPerChunk = Math.max(1, Chunks.SIZE / Math.max(classes, 1));
        int chunks = Chunks.count(rows, rowsPerChunk);
        s.prepare(n, chunks, bins);

        Vec pred = s.read(predT, Scratch.PRED);
        Vec target = s.read(input.target(), Scratch.TARGET);
        boolean[] valid = s.rowValid(rows);
        Vec mask = maskT == null ? null : s.read(maskT, Scratch.WEIGHT);

        Function<int[], Tensor> buffers = buffers(dtype);
        Tensor gradT = output.wantsGradient() ? output.gradientBuffer(shape, buffers) : null;
        Tensor weightsT = output.wantsWeights() ? output.weightsBuffer(shape, buffers) : null;
        Tensor lossT = null;
        if (config.reduction() == Reduction.NONE) {
            s.rowShape[0] = rows;
            lossT = output.elementLossBuffer(s.rowShape, buffers);
        } else {
            output.clearElementLoss();
        }
        Vec grad = gradT == null ? null : s.write(gradT, Scratch.OUT_GRAD);
        Vec weightsOut = weightsT == null ? null : s.write(weightsT, Scratch.OUT_WEIGHTS);
        Vec rowLoss = lossT == null ? null : s.write(lossT, Scratch.OUT_LOSS);

        s.rowsPerChunk = rowsPerChunk;
        s.rows = rows;
        s.classes = classes;
        s.pred = pred;
        s.target = target;
        s.mask = mask;
        s.valid = valid;
        s.pass = 1;
        workers.run(chunks, s);
        if (Kernels.firstBad(s, chunks) >= 0) {
            int[] predShape = predT.shape();
            Kernels.throwFirstBad(s, chunks, new Kernels.Check[] {
                new Kernels.Check("pred", predShape, logits ? "(-inf, inf)" : "[0, 1]",
                        logits ? "GHM-6.1" : "probabilities lie in [0, 1], D-9"),
                new Kernels.Check("target", predShape, "[0, 1]", "categorical targets lie in [0, 1], D-9"),
                new Kernels.Check("labelWeight", maskT == null ? new int[] {rows} : maskT.shape(), "[0, +inf)",
                        "label weights are >= 0, D-7")
            });
        }
        int validRows = 0;
        for (int r = 0; r < rows; r++) {
            validRows += valid[r] ? 1 : 0;
        }

        long[] counts = s.counts;
        double[] lossSums = s.lossSums;
        s.combine(chunks, bins, counts, lossSums);
        double invalidLoss = 0.0;
        for (int c = 0; c < chunks; c++) {
            invalidLoss += s.chunkExtra[c * 4];
        }
        double tot = (double) validRows * classes;
        BinStats stats = output.stats();
        double[] binValue = s.binValue;
        density.apply(counts, tot, commit, binValue, stats);

        double lossWeight = config.lossWeight();
        double factor;
        double loss = 0.0;
        if (seed) {
            factor = config.reduction() == Reduction.MEAN ? lossWeight / Math.max(rows, 1) : lossWeight;
            for (int k = 0; k < bins; k++) {
                if (lossSums[k] != 0.0) {
                    loss += lossSums[k] / binValue[k];
                }
            }
            loss += invalidLoss;
        } else {
            factor = config.reduction() == Reduction.MEAN ? lossWeight / stats.tot() : lossWeight;
            for (int k = 0; k < bins; k++) {
                if (binValue[k] != 0.0) {
                    loss += binValue[k] * lossSums[k];
                }
            }
        }
        loss *= factor;
        if (grad != null || weightsOut != null || rowLoss != null) {
            s.factor = factor;
            s.lossWeight = lossWeight;
            s.grad = grad;
            s.weightsOut = weightsOut;
            s.rowLoss = rowLoss;
            s.pass = 2;
            workers.run(chunks, s);
        }
        if (gradT != null) {
            s.flush(gradT, Scratch.OUT_GRAD);
        }
        if (weightsT != null) {
            s.flush(weightsT, Scratch.OUT_WEIGHTS);
        }
        if (lossT != null) {
            s.flush(lossT, Scratch.OUT_LOSS);
        }
        return loss;
    }

    /** The memory and context of one call, kept for the next; also the chunk body of both passes. */
    final class Call extends Scratch implements ChunkBody {
        /** Per-row output shape [N] (D-1). */
        final int[] rowShape = new int[1];
        /** 1 or 2: the pass {@link #run} runs. */
        int pass;
        int rowsPerChunk;
        int rows;
        int classes;
        Vec pred;
        Vec target;
        Vec mask;
        boolean[] valid;
        double factor;
        double lossWeight;
        Vec grad;
        Vec weightsOut;
        Vec rowLoss;

        @Override
        public void run(int c) {
            if (pass == 1) {
                pass1(this, c, rowsPerChunk, rows, classes, pred, target, mask, valid);
            } else {
                pass2(this, c, rowsPerChunk, rows, classes, pred, target, valid, binValue, factor, lossWeight,
                        grad, weightsOut, rowLoss);
            }
        }
    }

    /** log-sum-exp of row {@code o .. o + classes} of the logits. */
    private static double logSumExp(Vec z, int o, int classes) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            m = Math.max(m, z.get(o + j));
        }
        double sum = 0.0;
        for (int j = 0; j < classes; j++) {
            sum += Math.exp(z.get(o + j) - m);
        }
        return m + Math.log(sum);
    }

    private double clip(double p) {
        return Math.min(Math.max(p, eps), 1.0 - eps);
    }

    private void pass1(Scratch s, int c, int rowsPerChunk, int rows, int classes, Vec pred, Vec target, Vec mask,
                       boolean[] valid) {
        int r0 = c * rowsPerChunk;
        int r1 = Math.min(rows, r0 + rowsPerChunk);
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int base = c * Scratch.LANES * bins;
        double invalidLoss = 0.0;
        for (int r = r0; r < r1; r++) {
            int o = r * classes;
            if (mask != null) {
                double v = mask.get(r);
                if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
                    Kernels.bad(s, c, WEIGHT, r, v);
                    return;
                }
                valid[r] = v > 0.0;
            } else {
                valid[r] = true;
            }
            for (int j = 0; j < classes; j++) {
                int i = o + j;
                double z = pred.get(i);
                if (logits ? !Kernels.finite(z) : !(z >= 0.0 && z <= 1.0)) {
                    Kernels.bad(s, c, PRED, i, z);
                    return;
                }
                double y = target.get(i);
                if (!(y >= 0.0 && y <= 1.0)) {
                    Kernels.bad(s, c, TARGET, i, y);
                    return;
                }
            }
            double lse = logits ? logSumExp(pred, o, classes) : 0.0;
            boolean v = valid[r];
            for (int j = 0; j < classes; j++) {
                int i = o + j;
                double z = pred.get(i);
                double y = target.get(i);
                double p = logits ? Math.exp(z - lse) : z;
                double g;
                double l;
                int k;
                if (seed) {
                    double pc = clip(p);
                    g = Math.abs(y - pc);
                    l = y == 0.0 ? 0.0 : -y * Math.log(pc);
                } else {
                    g = Math.abs(y - p);
                    l = y == 0.0 ? 0.0 : -y * (logits ? z - lse : Math.log(clip(p)));
                }
                if (v) {
                    k = Kernels.bin(g, edges, bins);
                    binOf[i] = (short) k;
                    int slot = base + (j & (Scratch.LANES - 1)) * bins + k;
                    counts[slot]++;
                    sums[slot] += l;
                } else {
                    binOf[i] = -1;
                    invalidLoss += l;
                }
            }
        }
        s.chunkExtra[c * 4] = seed ? invalidLoss : 0.0;
    }

    private void pass2(Scratch s, int c, int rowsPerChunk, int rows, int classes, Vec pred, Vec target,
                       boolean[] valid, double[] binValue, double f, double lossWeight, Vec grad, Vec weightsOut,
                       Vec rowLoss) {
        int r0 = c * rowsPerChunk;
        int r1 = Math.min(rows, r0 + rowsPerChunk);
        short[] binOf = s.bins;
        for (int r = r0; r < r1; r++) {
            int o = r * classes;
            boolean v = valid[r];
            if (!seed && !v) {
                for (int j = 0; j < classes; j++) {
                    if (grad != null) {
                        grad.set(o + j, 0.0);
                    }
                    if (weightsOut != null) {
                        weightsOut.set(o + j, 0.0);
                    }
                }
                if (rowLoss != null) {
                    rowLoss.set(r, 0.0);
                }
                continue;
            }
            double lse = logits ? logSumExp(pred, o, classes) : 0.0;
            // inner: sum_c beta_c y_c (harmonized) or sum_c a_c p_c (seed); rowValue: the row's loss
            double inner = 0.0;
            double rowValue = 0.0;
            for (int j = 0; j < classes; j++) {
                int i = o + j;
                double z = pred.get(i);
                double y = target.get(i);
                double p = logits ? Math.exp(z - lse) : z;
                double w = weightOf(v, binOf[i], binValue);
                if (seed) {
                    double pc = clip(p);
                    double a = y == 0.0 || p < eps || p > 1.0 - eps ? 0.0 : -y / (pc * w);
                    inner += a * p;
                    rowValue += y == 0.0 ? 0.0 : -y * Math.log(pc) / w;
                } else {
                    inner += w * y;
                    rowValue += y == 0.0 ? 0.0 : -w * y * (logits ? z - lse : Math.log(clip(p)));
                }
            }
            for (int j = 0; j < classes; j++) {
                int i = o + j;
                double z = pred.get(i);
                double y = target.get(i);
                double p = logits ? Math.exp(z - lse) : z;
                double w = weightOf(v, binOf[i], binValue);
                if (grad != null) {
                    double gj;
                    if (seed) {
                        double pc = clip(p);
                        double a = y == 0.0 || p < eps || p > 1.0 - eps ? 0.0 : -y / (pc * w);
                        gj = logits ? p * (a - inner) : a;
                    } else if (logits) {
                        gj = p * inner - w * y;
                    } else {
                        gj = y == 0.0 || p < eps || p > 1.0 - eps ? 0.0 : -w * y / clip(p);
                    }
                    grad.set(i, f * gj);
                }
                if (weightsOut != null) {
                    weightsOut.set(i, seed ? 1.0 / w : w);
                }
            }
            if (rowLoss != null) {
                rowLoss.set(r, lossWeight * rowValue);
            }
        }
    }

    /** Seed: the density D (1 in invalid rows); harmonized: beta (invalid rows never get here). */
    private double weightOf(boolean rowValid, int bin, double[] binValue) {
        if (seed) {
            return rowValid ? binValue[bin] : 1.0;
        }
        return binValue[bin];
    }

    @Override
    public String toString() {
        return "Nd4jCategoricalLoss[" + config + "]";
    }
}
