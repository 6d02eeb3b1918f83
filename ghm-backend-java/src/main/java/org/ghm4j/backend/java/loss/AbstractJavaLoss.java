package org.ghm4j.backend.java.loss;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.EmaBacked;
import org.ghm4j.api.state.EmaDensity;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Bins;
import org.ghm4j.backend.java.kernel.ChunkBody;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.Scratch;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * The two-pass scheme every Java loss shares. Pass 1 (per fixed chunk, subclass): validate, compute
 * g, the slot (bin + 1, or 0 when invalid), the unweighted derivative and per-chunk sums of counts
 * and element losses per slot. Then, serially: combine chunks in order, one {@link EmaDensity#apply}
 * (synchronizer, atomic EMA update), per-slot factors f_s = lossWeight * beta_s / norm, and
 * loss = sum_s f_s * L_s. Pass 2 (per chunk): gradient_i = raw_i * f_slot(i), weights_i = beta_slot(i).
 * A loss may instead use the fused scheme ({@link #fused}): pass 1 only validates and counts, and
 * its own pass 2 computes loss, gradient and weights with the factors known (GHM-C from logits).
 *
 * <p>Computes in float64 per element from float32 data; float64 tensors are read as float32.
 */
abstract class AbstractJavaLoss implements HarmonizedLoss, EmaBacked {
    private static final Function<int[], Tensor> FLOAT_BUFFERS = shape -> Tensor.zeros(DType.FLOAT32, shape);
    private static final Function<int[], Tensor> DOUBLE_BUFFERS = shape -> Tensor.zeros(DType.FLOAT64, shape);

    final Workers workers;
    final EmaDensity density;
    final Bins bins;
    final int m;
    final double lossWeight;
    final Reduction reduction;
    private final AtomicReference<Work> idle = new AtomicReference<>();

    AbstractJavaLoss(LossConfig config, Workers workers) {
        this.workers = Objects.requireNonNull(workers);
        this.density = new EmaDensity(config.estimatorConfig());
        this.bins = new Bins(config.estimatorConfig().edges());
        this.m = config.bins();
        this.lossWeight = config.lossWeight();
        this.reduction = config.reduction();
    }

    /** Loss-specific shape checks beyond {@link LossInput}'s. */
    void checkShapes(LossInput input) {
    }

    /** Allocates what pass 1 needs beyond {@link Call}'s arrays, before the parallel pass. */
    void prepare(Call c) {
    }

    /** Pass 1 over the rows of {@code chunk} (of a call that is not {@link #fused}). */
    abstract void pass1(Call c, int chunk);

    /** The call's tot before max(., 1): valid count or weight sum, from the combined partials. */
    abstract double tot(Call c, long validCount);

    abstract Call.RangeRules rules();

    /** True when pass 2 needs whole rows (softmax from logits). */
    boolean rowwise() {
        return false;
    }

    /** The divisor of MEAN after the state update: tot for harmonized losses. */
    double meanNorm(Call c, double syncedTot) {
        return syncedTot;
    }

    /** Shape of the NONE output: pred's shape; categorical: [N]. */
    int[] elementLossShape(int[] predShape) {
        return predShape;
    }

    /**
     * True when this call uses the fused scheme: {@link #pass1Fused} only validates and counts, and
     * {@link #pass2Fused} computes loss, gradient and weights with the factors known.
     */
    boolean fused(Call c) {
        return false;
    }

    /** Pass 1 of the fused scheme over the rows of {@code chunk}: validation, slots and counts only. */
    void pass1Fused(Call c, int chunk) {
        throw new IllegalStateException("not fused");
    }

    /**
     * Fused pass 2 over the rows of {@code chunk}: gradient_i = f_slot(i) raw_i into {@code c.raw}
     * (when not null), weights beta_slot(i) into {@code weightsArr} (when not null), and the chunk's
     * loss sum_i f_slot(i) l_i into {@code c.lossParts[chunk]}.
     */
    void pass2Fused(Call c, int chunk, Factors factors, float[] weightsArr, int weightsOff) {
        throw new IllegalStateException("not fused");
    }

    /**
     * Per-slot values after the state update, slot s = bin + 1 (slot 0: weight 0):
     * f_s = lossWeight beta_s / norm in float64 and float32, and beta_s.
     */
    static final class Factors {
        private final double[] f64;
        private final float[] f32;
        private final float[] beta;

        Factors(int slots) {
            f64 = new double[slots];
            f32 = new float[slots];
            beta = new float[slots];
        }

        double[] f64() {
            return f64;
        }

        float[] f32() {
            return f32;
        }

        float[] beta() {
            return beta;
        }
    }

    /**
     * The last loop of a float64 fused pass 2 over block [b0, b0 + n) of a chunk
     * ({@link MathKernels#scaleBlock}): gradient = f * deriv[j] into {@code c.raw} (when wanted), f the
     * factor of each element's slot; returns sum_j f * loss[j].
     */
    static double scaleBlock(Call c, int b0, int n, double[] factor, double[] loss, double[] deriv) {
        return MathKernels.scaleBlock(factor, c.slot, b0, loss, deriv, c.raw, c.rawOff + b0, n);
    }

    /** f[j] = factor of the slot of element b0 + j, j < n; returns f. */
    static float[] factorBlock(Call c, int b0, int n, float[] factor, float[] f) {
        final short[] slot = c.slot;
        for (int j = 0; j < n; j++) {
            f[j] = factor[slot[b0 + j]];
        }
        return f;
    }

    /** weightsArr[weightsOff + i] = beta of element i's slot over block [b0, b0 + n), when weightsArr is not null. */
    static void betaBlock(Call c, int b0, int n, float[] beta, float[] weightsArr, int weightsOff) {
        if (weightsArr != null) {
            final short[] slot = c.slot;
            for (int j = 0; j < n; j++) {
                weightsArr[weightsOff + b0 + j] = beta[slot[b0 + j]];
            }
        }
    }

    /** Row-wise pass 2 (categorical from logits). */
    void pass2Rows(Call c, int chunk, float[] factor) {
        throw new IllegalStateException("not row-wise");
    }

    @Override
    public double compute(LossInput input, LossOutput output, StateUpdate update) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        checkShapes(input);
        Work w = acquire();
        try {
            return run(w, input, output, update == StateUpdate.COMMIT);
        } finally {
            idle.set(w);
        }
    }

    private double run(Work w, LossInput input, LossOutput output, boolean commit) {
        Call c = w.call;
        int[] shape = w.shapeOf(input.pred());
        Function<int[], Tensor> buffers = input.pred().dtype() == DType.FLOAT64 ? DOUBLE_BUFFERS : FLOAT_BUFFERS;
        c.layout(shape, m);
        c.bindInputs(input.pred(), input.target(), input.labelWeight(), input.rowWeights());

        Tensor grad = output.wantsGradient() ? output.gradientBuffer(shape, buffers) : null;
        c.raw = null;
        if (grad instanceof FloatArrayTensor f) {
            c.raw = f.array();
            c.rawOff = f.offset();
        } else if (grad != null) {
            c.raw = c.scratch.floats(3, c.length);
            c.rawOff = 0;
        }
        boolean none = reduction == Reduction.NONE;
        c.elementLoss = none ? c.scratch.floats(4, c.length) : null;
        c.prob = rowwise() && grad != null ? c.scratch.floats(5, c.length) : null;

        prepare(c);
        w.pass = 1;
        workers.run(c.chunks, w);
        c.throwFirstError(input.pred(), input.target(), input.labelWeight(), rules());

        // combine the chunks in order: identical for any thread count
        long valid = 0;
        java.util.Arrays.fill(w.slotLoss, 0.0);
        java.util.Arrays.fill(w.binCounts, 0L);
        for (int ch = 0; ch < c.chunks; ch++) {
            for (int lane = 0; lane < Call.LANES; lane++) {
                int base = c.partialBase(ch) + lane * c.slots;
                for (int s = 0; s < c.slots; s++) {
                    w.slotLoss[s] += c.lossSums[base + s];
                }
                for (int k = 0; k < m; k++) {
                    w.binCounts[k] += c.counts[base + k + 1];
                }
            }
        }
        for (int k = 0; k < m; k++) {
            valid += w.binCounts[k];
        }
        density.apply(w.binCounts, tot(c, valid), commit, w.binValue, output.stats());
        double syncedTot = output.stats().tot();

        double norm = reduction == Reduction.MEAN ? meanNorm(c, syncedTot) : 1.0;
        boolean seed = density.config().mode() == DensityMode.SEED;
        double loss = 0.0;
        for (int s = 0; s < c.slots; s++) {
            double beta;
            if (s == 0) {
                beta = seed ? 1.0 : 0.0;
            } else if (seed) {
                beta = w.binValue[s - 1] > 0 ? 1.0 / w.binValue[s - 1] : 0.0;
            } else {
                beta = w.binValue[s - 1];
            }
            double f = lossWeight * beta / norm;
            w.factors.beta[s] = (float) beta;
            w.factors.f32[s] = (float) f;
            w.factors.f64[s] = f;
            loss += f * w.slotLoss[s];
        }
        boolean fused = fused(c);

        Tensor weights = output.wantsWeights() ? output.weightsBuffer(shape, buffers) : null;
        float[] weightsArr = null;
        int weightsOff = 0;
        if (weights instanceof FloatArrayTensor f) {
            weightsArr = f.array();
            weightsOff = f.offset();
        } else if (weights != null) {
            weightsArr = c.scratch.floats(6, c.length);
        }
        Tensor elementLossOut = null;
        float[] rowLoss = null;
        if (none) {
            int[] elShape = elementLossShape(shape);
            elementLossOut = output.elementLossBuffer(elShape, buffers);
            rowLoss = elShape.length == 1 && shape.length > 1 ? w.rowLoss(c.rows) : null;
        } else {
            output.clearElementLoss();
        }
        if (c.raw != null || weightsArr != null || none || fused) {
            w.pass = fused ? 3 : 2;
            w.weightsArr = weightsArr;
            w.weightsOff = weightsOff;
            w.rowLossArr = rowLoss;
            workers.run(c.chunks, w);
            w.weightsArr = null;
            w.rowLossArr = null;
        }
        if (fused) {
            loss = 0.0;
            for (int ch = 0; ch < c.chunks; ch++) {
                loss += c.lossParts[ch];
            }
        }
        if (grad != null && !(grad instanceof FloatArrayTensor)) {
            grad.copyFrom(c.raw, 0);
        }
        if (weights != null && !(weights instanceof FloatArrayTensor)) {
            weights.copyFrom(weightsArr, 0);
        }
        if (elementLossOut != null) {
            elementLossOut.copyFrom(rowLoss != null ? rowLoss : c.elementLoss, 0);
        }
        output.setLoss(loss);
        return loss;
    }

    private void pass2(Call c, int chunk, Work w, float[] weightsArr, int weightsOff, float[] rowLoss) {
        float[] factor = w.factors.f32;
        float[] beta = w.factors.beta;
        short[] slot = c.slot;
        int r0 = c.rowStart(chunk);
        int r1 = c.rowEnd(chunk);
        int lo = r0 * c.cols;
        int hi = r1 * c.cols;
        if (c.raw != null) {
            if (rowwise()) {
                pass2Rows(c, chunk, factor);
            } else {
                float[] raw = c.raw;
                int off = c.rawOff;
                for (int i = lo; i < hi; i++) {
                    raw[off + i] *= factor[slot[i]];
                }
            }
        }
        if (weightsArr != null) {
            for (int i = lo; i < hi; i++) {
                weightsArr[weightsOff + i] = beta[slot[i]];
            }
        }
        if (c.elementLoss != null) {
            float[] el = c.elementLoss;
            if (rowLoss == null) {
                for (int i = lo; i < hi; i++) {
                    el[i] = (float) ((double) el[i] * factor[slot[i]]);
                }
            } else {
                for (int r = r0; r < r1; r++) {
                    double sum = 0;
                    for (int i = r * c.cols, end = i + c.cols; i < end; i++) {
                        sum += (double) el[i] * factor[slot[i]];
                    }
                    rowLoss[r] = (float) sum;
                }
            }
        }
    }

    private Work acquire() {
        Work w = idle.getAndSet(null);
        return w != null ? w : new Work(m);
    }

    @Override
    public EmaDensity density() {
        return density;
    }

    /** Per-call working memory, reused by the next call; also the chunk body of both passes. */
    final class Work implements ChunkBody {
        final Call call = new Call(new Scratch());
        int pass;
        float[] weightsArr;
        int weightsOff;
        float[] rowLossArr;
        final long[] binCounts;
        final double[] binValue;
        final double[] slotLoss;
        final Factors factors;
        private float[] rowLoss = new float[0];
        private int[] shape = new int[0];

        Work(int m) {
            binCounts = new long[m];
            binValue = new double[m];
            slotLoss = new double[m + 1];
            factors = new Factors(m + 1);
        }

        @Override
        public void run(int chunk) {
            if (pass == 1) {
                if (fused(call)) {
                    pass1Fused(call, chunk);
                } else {
                    pass1(call, chunk);
                }
            } else if (pass == 3) {
                pass2Fused(call, chunk, factors, weightsArr, weightsOff);
            } else {
                pass2(call, chunk, this, weightsArr, weightsOff, rowLossArr);
            }
        }

        /** pred's shape in an array kept for the next call (callers must not keep it). */
        int[] shapeOf(Tensor pred) {
            if (shape.length != pred.rank()) {
                shape = new int[pred.rank()];
            }
            for (int d = 0; d < shape.length; d++) {
                shape[d] = pred.dim(d);
            }
            return shape;
        }

        float[] rowLoss(int rows) {
            if (rowLoss.length < rows) {
                rowLoss = new float[rows];
            }
            return rowLoss;
        }
    }
}
