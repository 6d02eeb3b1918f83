package org.ghm4j.backend.nd4j;

import java.util.Arrays;
import java.util.function.Function;

import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.ChunkBody;
import org.ghm4j.backend.java.kernel.DeltaBins;
import org.ghm4j.backend.java.kernel.FloatVectorKernels;
import org.ghm4j.backend.java.kernel.LogitBins;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * GHM-C (GHM-2, logits or probabilities) and GHM-R (GHM-4) on native memory: the losses whose
 * elements are independent.
 *
 * <p>One call, n elements, M bins:
 * <ol>
 *   <li>pass 1 over fixed chunks of 64k elements: check every value (GHM-6), compute g and the
 *       element loss l in float64 (D-3), bin g by the float32 edges (GHM-1.2), count R_k and sum
 *       L_k = sum of l over bin k per chunk; write dl/dpred into the gradient buffer and the bin
 *       index into scratch (GHM-C from logits in blocks of 512 through the vectorized kernels, hard
 *       targets binned without g, see {@link #logits});</li>
 *   <li>combine the chunks in chunk order, throw the first bad input (state untouched, GHM-5.3),
 *       then {@code EmaDensity.apply} gives beta_k (GHM-1.5/1.6);</li>
 *   <li>loss = lossWeight * sum_k beta_k L_k / tot (MEAN; SUM and NONE without / tot, GHM-1.9);
 *       pass 2 scales every gradient element by lossWeight * beta_bin / tot (0 for invalid
 *       elements, GHM-1.3).</li>
 * </ol>
 * GHM-C from float32 logits with a reduced loss (and a float32 gradient output, if any) runs the
 * fused scheme instead: pass 1 only checks, bins and counts (hard targets without exp), and pass 2
 * computes l and dl/dx with the factors f_bin = lossWeight * beta_bin / tot known:
 * gradient = f dl/dx, loss = sum of f l per chunk, combined in chunk order ({@link #logitsFused}).
 * GHM-R from float32 pred and target (label weights absent or float32; outputs float32) with a reduced
 * loss runs the same fused scheme: pass 1 checks and counts ({@link #asl1FusedCounts}, bins from
 * |x - t| by {@link DeltaBins} with the vector kernels), pass 2 computes l and dl/dx ({@link #asl1Fused}).
 * GHM-C: p = sigmoid(x), g = |p - t|, l = max(x, 0) - x t + log(1 + exp(-|x|)), dl/dx = p - t,
 * tot = max(#valid, 1). With probabilities: p given, g = |p - t|, pc = clip(p, 1e-7, 1 - 1e-7),
 * l = -(t log pc + (1 - t) log(1 - pc)), dl/dp = (pc - t) / (pc (1 - pc)) where p was not clipped,
 * 0 where it was (as D-4 for the categorical loss). GHM-R: d = x - t, s = sqrt(d^2 + mu^2),
 * l = s - mu, g = |d| / s, dl/dx = d / s, tot = max(sum of the label weights, 1).
 */
final class Nd4jElementwiseLoss extends AbstractNd4jLoss<Nd4jElementwiseLoss.Call> {
    private static final double PROB_EPS = 1e-7;
    /**
     * Well above the error of g from the block kernels (below 1e-13), far below the spacing of g
     * between neighbouring float32 logits near an edge.
     */
    private static final double EDGE_RECHECK = 1e-12;
    /** {@link #logitElement}'s result after recording bad input. */
    private static final int FAILED = -2;

    private enum Kind { LOGITS, PROBABILITIES, ASL1 }

    private final LossConfig config;
    private final Kind kind;
    private final double mu;
    private final double lossWeight;
    private final Reduction reduction;
    /** GHM-C bins of float32 logits with hard targets; null for probabilities and GHM-R. */
    private final LogitBins logitBins;
    /** GHM-R bins from float32 |x - t| for the vector kernels; null for GHM-C and where they do not apply. */
    private final DeltaBins deltaBins;

    Nd4jElementwiseLoss(Workers workers, GhmcConfig config) {
        super(workers, config);
        this.config = config;
        this.kind = config.input() == InputKind.PROBABILITIES ? Kind.PROBABILITIES : Kind.LOGITS;
        this.mu = 0;
        this.lossWeight = config.lossWeight();
        this.reduction = config.reduction();
        this.logitBins = kind == Kind.LOGITS ? new LogitBins(config.estimatorConfig().edges()) : null;
        this.deltaBins = null;
    }

    Nd4jElementwiseLoss(Workers workers, GhmrConfig config) {
        super(workers, config);
        this.config = config;
        this.kind = Kind.ASL1;
        this.mu = config.mu();
        this.lossWeight = config.lossWeight();
        this.reduction = config.reduction();
        this.logitBins = null;
        this.deltaBins = DeltaBins.of(config.estimatorConfig().edges(), mu * mu);
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
        int n = predT.length();
        DType dtype = predT.dtype();
        int chunks = Chunks.count(n, Chunks.SIZE);
        s.prepare(n, chunks, bins);

        Vec pred = s.read(predT, Scratch.PRED);
        Vec target = s.read(input.target(), Scratch.TARGET);
        Tensor weightT = input.labelWeight();
        Vec weight = weightT == null ? null : s.read(weightT, Scratch.WEIGHT);
        int rows = shape.length == 0 ? 1 : shape[0];
        int perRow = input.rowWeights() && rows > 0 ? n / rows : 0;

        Function<int[], Tensor> buffers = buffers(dtype);
        Tensor gradT = output.wantsGradient() ? output.gradientBuffer(shape, buffers) : null;
        Tensor weightsT = output.wantsWeights() ? output.weightsBuffer(shape, buffers) : null;
        Tensor lossT = null;
        if (reduction == Reduction.NONE) {
            lossT = output.elementLossBuffer(shape, buffers);
        } else {
            output.clearElementLoss();
        }
        Vec grad = gradT == null ? null : s.write(gradT, Scratch.OUT_GRAD);
        Vec weightsOut = weightsT == null ? null : s.write(weightsT, Scratch.OUT_WEIGHTS);
        Vec elementLoss = lossT == null ? null : s.write(lossT, Scratch.OUT_LOSS);

        boolean fused = elementLoss == null && (grad == null || grad instanceof Vec.F32) && switch (kind) {
            case LOGITS -> floatBlocks(pred, target, weight, perRow);
            case ASL1 -> pred instanceof Vec.F32 && target instanceof Vec.F32
                    && (weight == null || weight instanceof Vec.F32)
                    && (weightsOut == null || weightsOut instanceof Vec.F32);
            default -> false;
        };
        s.bind(n, chunks, fused, pred, target, weight, perRow, grad, weightsOut, elementLoss);
        s.pass = 1;
        workers.run(chunks, s);
        if (Kernels.firstBad(s, chunks) >= 0) {
            Kernels.throwFirstBad(s, chunks, checks(predT.shape(), input));
        }

        long[] counts = s.counts;
        double[] lossSums = s.lossSums;
        s.combine(chunks, bins, counts, lossSums);
        long valid = 0;
        for (long r : counts) {
            valid += r;
        }
        double tot;
        if (kind == Kind.ASL1) {
            double weightSum = 0.0;
            for (int c = 0; c < chunks; c++) {
                weightSum += s.chunkExtra[c * 4];
            }
            tot = weight == null ? n : weightSum;
        } else {
            tot = valid;
        }
        BinStats stats = output.stats();
        double[] beta = s.binValue;
        density.apply(counts, tot, commit, beta, stats);

        double factor = reduction == Reduction.MEAN ? lossWeight / stats.tot() : lossWeight;
        double[] betaAt = s.binBeta;
        double[] gradScale = s.binScale;
        double[] lossScale = s.binLossScale;
        float[] betaAt32 = s.binBeta32;
        float[] gradScale32 = s.binScale32;
        for (int k = 0; k < bins; k++) {
            betaAt[k + 1] = beta[k];
            gradScale[k + 1] = beta[k] * factor;
            lossScale[k + 1] = beta[k] * lossWeight;
            betaAt32[k + 1] = (float) betaAt[k + 1];
            gradScale32[k + 1] = (float) gradScale[k + 1];
        }
        if (fused || grad != null || weightsOut != null || elementLoss != null) {
            s.pass = 2;
            workers.run(chunks, s);
        }
        double loss = 0.0;
        if (fused) {
            // sum_i f_bin(i) l_i by chunk, combined in chunk order
            for (int c = 0; c < chunks; c++) {
                loss += s.chunkExtra[c * 4];
            }
        } else {
            for (int k = 0; k < bins; k++) {
                if (beta[k] != 0.0) {
                    loss += beta[k] * lossSums[k];
                }
            }
            loss *= factor;
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

    private Kernels.Check[] checks(int[] shape, LossInput input) {
        String predRange = kind == Kind.PROBABILITIES ? "[0, 1]" : "(-inf, inf)";
        String predRule = kind == Kind.PROBABILITIES ? "probabilities lie in [0, 1], GHM-6.3" : "GHM-6.1";
        String targetRange = kind == Kind.ASL1 ? "(-inf, inf)" : "[0, 1]";
        String targetRule = kind == Kind.ASL1 ? "GHM-6.1" : "GHM-C targets lie in [0, 1], GHM-6.3";
        int[] wShape = input.labelWeight() == null ? shape : input.labelWeight().shape();
        return new Kernels.Check[] {
            new Kernels.Check("pred", shape, predRange, predRule),
            new Kernels.Check("target", shape, targetRange, targetRule),
            new Kernels.Check("labelWeight", wShape, "[0, +inf)", "label weights are >= 0, D-7")
        };
    }

    /**
     * The memory and context of one call, kept for the next: the inputs and outputs of the call and
     * one {@link Elements} per chunk, reused; also the chunk body of both passes.
     */
    final class Call extends Scratch implements ChunkBody {
        /** 1 or 2: the pass {@link #run} runs. */
        int pass;
        /** {@code binBeta} and {@code binScale} rounded to float32 (index slot = bin + 1; 0 stays 0). */
        final float[] binBeta32 = new float[Nd4jElementwiseLoss.this.bins + 1];
        final float[] binScale32 = new float[Nd4jElementwiseLoss.this.bins + 1];
        private int n;
        private boolean fused;
        private Vec grad;
        private Vec weightsOut;
        private Vec elementLoss;
        private Elements[] elements = new Elements[0];

        /**
         * Sets the call's inputs and outputs and readies the chunks' contexts (pass-1 state reset per
         * chunk); {@code fused}: the call runs the fused scheme (GHM-C: see {@link #logits}; GHM-R: see
         * {@link #asl1FusedCounts}).
         */
        void bind(int n, int chunks, boolean fused, Vec pred, Vec target, Vec weight, int perRow, Vec grad,
                  Vec weightsOut, Vec elementLoss) {
            this.n = n;
            this.fused = fused;
            this.grad = grad;
            this.weightsOut = weightsOut;
            this.elementLoss = elementLoss;
            if (elements.length < chunks) {
                Elements[] more = Arrays.copyOf(elements, chunks);
                for (int c = elements.length; c < chunks; c++) {
                    more[c] = new Elements(this, Nd4jElementwiseLoss.this.bins);
                }
                elements = more;
            }
            for (int c = 0; c < chunks; c++) {
                Elements e = elements[c];
                e.c = c;
                e.fused = fused;
                e.lo = c * Chunks.SIZE;
                e.hi = Math.min(n, e.lo + Chunks.SIZE);
                e.pred = pred;
                e.target = target;
                e.weight = weight;
                e.perRow = perRow;
                e.grad = grad;
                e.elementLoss = elementLoss;
            }
        }

        @Override
        public void run(int c) {
            if (pass == 1) {
                Elements e = elements[c];
                e.rowState[0] = e.lo;
                e.rowState[1] = 1.0;
                switch (kind) {
                    case LOGITS -> logits(e);
                    case PROBABILITIES -> probabilities(e);
                    default -> {
                        if (e.fused) {
                            asl1FusedCounts(e);
                        } else {
                            asl1(e);
                        }
                    }
                }
            } else if (fused && kind == Kind.LOGITS) {
                logitsFused(elements[c], binBeta, binScale, weightsOut);
            } else if (fused) {
                asl1Fused(elements[c], binScale, binScale32, binBeta32, (Vec.F32) weightsOut);
            } else {
                pass2(this, c, n, binBeta, binScale, binLossScale, grad, weightsOut, elementLoss);
            }
        }
    }

    /**
     * The arguments of one chunk's passes, kept in its {@link Call} and reused: elements [lo, hi) of
     * chunk c, and {@code rowState}, the row-weight state of {@link #weightAt} ({lo, 1} at the start).
     */
    private static final class Elements {
        final Scratch s;
        final double[] rowState = new double[2];
        /**
         * Fused GHM-R pass 1: R per lane and slot (slot = bin + 1, slot 0 counts the elements of weight 0),
         * index lane * (M + 1) + slot; {@link FloatVectorKernels#asl1Counts} adds to lane 0.
         */
        final long[] slotCounts;
        int c;
        boolean fused;
        int lo;
        int hi;
        Vec pred;
        Vec target;
        Vec weight;
        int perRow;
        Vec grad;
        Vec elementLoss;

        Elements(Scratch s, int bins) {
            this.s = s;
            this.slotCounts = new long[Scratch.LANES * (bins + 1)];
        }
    }

    /**
     * The label weight of element i: element weights are read and checked per element; a row weight
     * is read and checked once, at the first element of its row in this chunk ({@code state[0]}
     * holds the next element where the row changes, {@code state[1]} the current weight). Returns
     * NaN after recording a bad weight (D-7).
     */
    private static double weightAt(Elements e, int i, double[] state) {
        Vec w = e.weight;
        if (w == null) {
            return 1.0;
        }
        if (e.perRow == 0) {
            double v = w.get(i);
            if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
                Kernels.bad(e.s, e.c, WEIGHT, i, v);
                return Double.NaN;
            }
            return v;
        }
        if (i < state[0]) {
            return state[1];
        }
        int row = i / e.perRow;
        double v = w.get(row);
        if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
            Kernels.bad(e.s, e.c, WEIGHT, row, v);
            return Double.NaN;
        }
        state[0] = (double) (row + 1) * e.perRow;
        state[1] = v;
        return v;
    }

    /**
     * True when GHM-C from logits runs in blocks ({@link #logits}): float32 logits and targets, label
     * weights absent, per row or float32.
     */
    private static boolean floatBlocks(Vec pred, Vec target, Vec weight, int perRow) {
        return pred instanceof Vec.F32 && target instanceof Vec.F32
                && (weight == null || perRow > 0 || weight instanceof Vec.F32);
    }

    /**
     * GHM-C pass 1 from logits. Float32 input ({@link #floatBlocks}) goes in blocks of
     * {@link MathKernels#BLOCK} elements copied out of native memory, each checked, binned and counted
     * by {@link #binBlock}. In the fused scheme that is all: {@link #logitsFused} computes l and dl/dx
     * in pass 2. Otherwise (Reduction.NONE, or a float64 gradient output) the vectorized kernels first
     * give e = exp(-|x|), q = 1 / (1 + e) and log(1 + e) for the block, then l and dl/dx of every
     * element as if its target were 0 or 1, also vectorized: with sgn = 1 - 2t and s = sgn x (s = x
     * for t = 0, -x for t = 1), max(x, 0) - x t = max(s, 0), so l = max(s, 0) + log(1 + e), and
     * dl/dx = p - t = sgn sigmoid(s) = sgn q max(e, [s > 0]) (sigmoid(s) is q for s >= 0 and e q below;
     * at s = 0, e = 1), branch-free: the signs of the logits need not be predictable. After binning,
     * the loss sums per bin in a loop of their own (adding them in the binning loop is much slower:
     * the address of each read-modify-write then depends on a table lookup just before it), and the
     * outputs are staged per block and copied back.
     * Other input (float64 logits, or a float64 target or element weight) goes element by element
     * through {@link #logitElement} with the scalar kernels, accurate for every |x| (the block exp
     * stops at |x| = 88, where e is below float32's smallest normal number).
     */
    private void logits(Elements e) {
        if (!floatBlocks(e.pred, e.target, e.weight, e.perRow)) {
            logitElements(e);
            return;
        }
        Vec.F32 pred32 = (Vec.F32) e.pred;
        Vec.F32 target32 = (Vec.F32) e.target;
        Vec.F32 weight32 = e.perRow == 0 && e.weight instanceof Vec.F32 f ? f : null;
        boolean fused = e.fused;
        short[] binOf = e.s.bins;
        double[] sums = e.s.chunkLoss;
        int m = bins;
        int base = e.c * Scratch.LANES * m;
        double[][] kernel = MathKernels.blockBuffers();
        double[] a = kernel[0];
        double[] ex = kernel[1];
        double[] q = kernel[2];
        double[] lp = kernel[3];
        BlockBuffers b = BlockBuffers.get();
        float[] xs = b.pred;
        float[] ts = b.target;
        double[] tw = b.targetWide;
        double[] dOut = b.grad;
        double[] lOut = b.loss;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            pred32.get(b0, xs, len);
            target32.get(b0, ts, len);
            if (weight32 != null) {
                weight32.get(b0, b.weight, len);
            }
            if (!fused) {
                sigmoidBlock(xs, a, ex, q, lp, len);
                MathKernels.widen(ts, 0, tw, len);
                for (int j = 0; j < len; j++) {
                    double sgn = 1.0 - 2.0 * tw[j];
                    double sv = a[j] * sgn;
                    lOut[j] = Math.max(sv, 0.0) + lp[j];
                    // [s > 0] as min(max(s * 2^1000, 0), 1): 1 for every positive double s, 0 otherwise
                    dOut[j] = q[j] * Math.max(ex[j], Math.min(Math.max(sv * 0x1p1000, 0.0), 1.0)) * sgn;
                }
            }
            if (!binBlock(e, b0, len, weight32 != null, b, kernel, !fused)) {
                return;
            }
            if (fused) {
                continue;
            }
            for (int j = 0; j < len; j++) {
                int k = binOf[b0 + j];
                if (k >= 0) {
                    sums[base + ((b0 + j) & (Scratch.LANES - 1)) * m + k] += lOut[j];
                }
            }
            if (e.grad != null) {
                e.grad.put(b0, dOut, len, b.narrow);
            }
            if (e.elementLoss != null) {
                e.elementLoss.put(b0, lOut, len, b.narrow);
            }
        }
    }

    /**
     * The kernels of a float32 block, j < len: a[j] = xs[j] widened, e = exp(-|x|), q = 1 / (1 + e)
     * and lp = log(1 + e) (vectorized, |x| clamped at 88).
     */
    private static void sigmoidBlock(float[] xs, double[] a, double[] ex, double[] q, double[] lp, int len) {
        MathKernels.widen(xs, 0, a, len);
        MathKernels.expNegBlock(a, ex, len);
        MathKernels.sigmoidLogBlock(ex, q, lp, len);
    }

    /**
     * Checks and bins block [b0, b0 + len) of chunk e from the float32 inputs in {@code b} (pred,
     * target and, when {@code elementWeights}, weight): the bin into {@code s.bins} (-1 for an element
     * not counted) and R_k into the chunk's lanes; false after recording the first bad value. An
     * element with a finite logit, a target of exactly 0 or 1 and a label weight in (0, max] is binned
     * by {@link LogitBins} without g; the other elements of a row (or block) then go through
     * {@link #logitElement}, in order, which overwrites their l and dl/dx in {@code b}; unless
     * {@code kernelsReady}, the block kernels g needs ({@link #sigmoidBlock}, into {@code kernel}, the
     * thread's {@link MathKernels#blockBuffers()}) are computed first. The elements of a row with label
     * weight 0 are only checked.
     */
    private boolean binBlock(Elements e, int b0, int len, boolean elementWeights, BlockBuffers b,
                             double[][] kernel, boolean kernelsReady) {
        Vec weight = e.weight;
        int perRow = e.perRow;
        boolean rowWeights = weight != null && perRow > 0;
        short[] binOf = e.s.bins;
        char[] bucket = logitBins.bucket();
        float[] thr = logitBins.thresholds();
        int stride = logitBins.stride();
        long[] counts = e.s.chunkCounts;
        int m = bins;
        // block starts are multiples of LANES, so element b0 + j adds to lane j % LANES
        int base = e.c * Scratch.LANES * m;
        float[] xs = b.pred;
        float[] ts = b.target;
        float[] ws = b.weight;
        int[] deferred = b.deferred;
        int row = rowWeights ? b0 / perRow : 0;
        int j = 0;
        while (j < len) {
            // one run per row with row weights, else the whole block
            int runEnd = len;
            if (rowWeights) {
                runEnd = (int) Math.min(len, (long) (row + 1) * perRow - b0);
                double wr = weight.get(row++);
                if (wr == 0.0) {
                    // an ignored row: its elements are only checked (GHM-1.3, GHM-6)
                    for (; j < runEnd; j++) {
                        float xj = xs[j];
                        float tj = ts[j];
                        if (!(Math.abs(xj) <= Float.MAX_VALUE && tj >= 0f && tj <= 1f)) {
                            checkedTarget(e, b0 + j, xj);
                            return false;
                        }
                        binOf[b0 + j] = -1;
                        b.grad[j] = 0.0;
                        b.loss[j] = 0.0;
                    }
                    continue;
                }
                if (!(wr > 0.0 && wr <= Double.MAX_VALUE)) {
                    // a bad row weight: recorded by the checks of the row's first element, after its
                    // pred and target (GHM-6)
                    checkedTarget(e, b0 + j, xs[j]);
                    return false;
                }
            }
            int others = 0;
            for (; j < runEnd; j++) {
                int xb = Float.floatToRawIntBits(xs[j]);
                int tb = Float.floatToRawIntBits(ts[j]);
                int flip = (tb >>> 23) & 1;
                float wi = elementWeights ? ws[j] : 1f;
                // finite logit, target +-0 or exactly +1 (for flip = 1 the sign bit takes part in
                // the comparison, so -1 is not taken for 1), weight in (0, max]
                if (((xb & 0x7F800000) == 0x7F800000)
                        | ((tb & (0x7FFFFFFF | (flip << 31))) != flip * 0x3F800000)
                        | !(wi > 0f && wi <= Float.MAX_VALUE)) {
                    // after the loop, in order: no call in this loop, whose values then stay in registers
                    deferred[others++] = j;
                    continue;
                }
                int sBits = xb ^ (flip << 31);
                int k = bucket[sBits >>> 16];
                if (k >= LogitBins.AMBIGUOUS) {
                    // a threshold lies among the floats with these top 16 bits
                    k -= LogitBins.AMBIGUOUS;
                    float sv = Float.intBitsToFloat(sBits);
                    int off = flip * stride + 1;
                    while (sv >= thr[off + k]) {
                        k++;
                    }
                }
                binOf[b0 + j] = (short) k;
                counts[base + (j & (Scratch.LANES - 1)) * m + k]++;
            }
            if (others > 0 && !kernelsReady) {
                sigmoidBlock(xs, kernel[0], kernel[1], kernel[2], kernel[3], len);
                kernelsReady = true;
            }
            for (int o = 0; o < others; o++) {
                int jo = deferred[o];
                int k = logitElement(e, b0 + jo, jo, kernel[0][jo], kernel[1][jo], kernel[2][jo], kernel[3][jo],
                        b.grad, b.loss);
                if (k == FAILED) {
                    return false;
                }
                binOf[b0 + jo] = (short) k;
                if (k >= 0) {
                    counts[base + (jo & (Scratch.LANES - 1)) * m + k]++;
                }
            }
        }
        return true;
    }

    /** GHM-C pass 1 from logits element by element with the scalar kernels (float64 input). */
    private void logitElements(Elements e) {
        short[] binOf = e.s.bins;
        long[] counts = e.s.chunkCounts;
        double[] sums = e.s.chunkLoss;
        int m = bins;
        int base = e.c * Scratch.LANES * m;
        BlockBuffers b = BlockBuffers.get();
        double[] xs = MathKernels.blockBuffers()[0];
        double[] dOut = b.grad;
        double[] lOut = b.loss;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            e.pred.get(b0, xs, len, b.narrow);
            for (int j = 0; j < len; j++) {
                double x = xs[j];
                double exj = MathKernels.expNeg(Math.abs(x));
                int k = logitElement(e, b0 + j, j, x, exj, 1.0 / (1.0 + exj), MathKernels.log1pUnit(exj), dOut, lOut);
                if (k == FAILED) {
                    return;
                }
                binOf[b0 + j] = (short) k;
                if (k >= 0) {
                    int slot = base + ((b0 + j) & (Scratch.LANES - 1)) * m + k;
                    counts[slot]++;
                    sums[slot] += lOut[j];
                }
            }
            if (e.grad != null) {
                e.grad.put(b0, dOut, len, b.narrow);
            }
            if (e.elementLoss != null) {
                e.elementLoss.put(b0, lOut, len, b.narrow);
            }
        }
    }

    /**
     * Checks logit x, the target and the label weight of element i in that order (GHM-6): returns the
     * target, -1 for an element of label weight 0, NaN after recording the first bad value.
     */
    private static double checkedTarget(Elements e, int i, double x) {
        if (!(Math.abs(x) <= Double.MAX_VALUE)) {
            Kernels.bad(e.s, e.c, PRED, i, x);
            return Double.NaN;
        }
        double t = e.target.get(i);
        if (!(t >= 0.0 && t <= 1.0)) {
            Kernels.bad(e.s, e.c, TARGET, i, t);
            return Double.NaN;
        }
        double w = weightAt(e, i, e.rowState);
        if (w != w) {
            return Double.NaN;
        }
        return w > 0.0 ? t : -1.0;
    }

    /**
     * Element i (index j in its block) of GHM-C from logits by the definitions, given logit x,
     * e = exp(-|x|), q = 1 / (1 + e) and lp = log(1 + e): {@link #checkedTarget} ({@link #FAILED} after
     * recording the first bad value), then g = |p - t|, its bin (returned), and l and dl/dx into the
     * block's outputs; -1 and zeros for an invalid element. g within {@link #EDGE_RECHECK} of an inner
     * edge is recomputed with {@link LogitBins#referenceG(double, double)}, so the bin is the one
     * {@link LogitBins} gives for a hard target.
     */
    private int logitElement(Elements e, int i, int j, double x, double ex, double q, double lp,
                             double[] dOut, double[] lOut) {
        double t = checkedTarget(e, i, x);
        if (t != t) {
            return FAILED;
        }
        if (t < 0.0) {
            dOut[j] = 0.0;
            lOut[j] = 0.0;
            return -1;
        }
        double p = x >= 0.0 ? q : ex * q;
        double d = p - t;
        double g = Math.abs(d);
        int m = bins;
        int k = Kernels.bin(g, edges, m);
        // g >= 0 = e_0 and g <= 1 < e_M: only the inner edges can be misjudged
        if (k > 0 && g - edges[k] < EDGE_RECHECK || k < m - 1 && edges[k + 1] - g < EDGE_RECHECK) {
            k = Kernels.bin(LogitBins.referenceG(x, t), edges, m);
        }
        dOut[j] = d;
        lOut[j] = Math.max(x, 0.0) - x * t + lp;
        return k;
    }

    /**
     * Fused pass 2 of GHM-C over chunk e in blocks (pass 1 validated every element and binned it):
     * l and dl/dx = p - t by {@link MathKernels#sigmoidBceBlock}, then with f = gradScale[bin + 1]
     * (with {@link VectorSupport#ENABLED}: all in float32 lanes by {@link FloatVectorKernels#sigmoidBce})
     * (lossWeight beta_bin / tot for MEAN; 0 for an element not counted): gradient = f dl/dx,
     * weights = betaAt[bin + 1], and the chunk's loss sum_i f l_i into {@code chunkExtra[4 c]}, added in
     * two partial sums (even and odd elements) to halve the chain of dependent additions.
     */
    private static void logitsFused(Elements e, double[] betaAt, double[] gradScale, Vec weightsOut) {
        Vec.F32 pred32 = (Vec.F32) e.pred;
        Vec.F32 target32 = (Vec.F32) e.target;
        Vec.F32 grad = (Vec.F32) e.grad;
        short[] binOf = e.s.bins;
        double[][] kernel = MathKernels.blockBuffers();
        double[] a = kernel[0];
        double[] ex = kernel[1];
        double[] q = kernel[2];
        double[] tw = kernel[4];
        BlockBuffers b = BlockBuffers.get();
        float[] xs = b.pred;
        float[] ts = b.target;
        double[] l = b.loss;
        float[] g = b.narrow;
        boolean vector = VectorSupport.ENABLED;
        float[] f = MathKernels.blockFloats()[0];
        float[] terms = MathKernels.blockFloats()[1];
        double loss0 = 0.0;
        double loss1 = 0.0;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            pred32.get(b0, xs, len);
            target32.get(b0, ts, len);
            if (vector) {
                // float32 lanes (D-19): f per element, then loss terms and f (p - t) in one kernel
                for (int j = 0; j < len; j++) {
                    f[j] = (float) gradScale[binOf[b0 + j] + 1];
                }
                loss0 += FloatVectorKernels.sigmoidBce(xs, 0, ts, 0, f, g, 0, terms, len);
                if (grad != null) {
                    grad.put(b0, g, len);
                }
                if (weightsOut != null) {
                    weightsBlock(binOf, b0, len, betaAt, weightsOut, b.grad, g);
                }
                continue;
            }
            MathKernels.widen(xs, 0, a, len);
            MathKernels.widen(ts, 0, tw, len);
            MathKernels.sigmoidBceBlock(a, tw, l, ex, q, len);
            int j = 0;
            for (; j + 1 < len; j += 2) {
                double f0 = gradScale[binOf[b0 + j] + 1];
                double f1 = gradScale[binOf[b0 + j + 1] + 1];
                loss0 += f0 * l[j];
                loss1 += f1 * l[j + 1];
                g[j] = (float) (f0 * a[j]);
                g[j + 1] = (float) (f1 * a[j + 1]);
            }
            if (j < len) {
                double f0 = gradScale[binOf[b0 + j] + 1];
                loss0 += f0 * l[j];
                g[j] = (float) (f0 * a[j]);
            }
            if (grad != null) {
                grad.put(b0, g, len);
            }
            if (weightsOut != null) {
                weightsBlock(binOf, b0, len, betaAt, weightsOut, b.grad, g);
            }
        }
        e.s.chunkExtra[e.c * 4] = loss0 + loss1;
    }

    private void probabilities(Elements e) {
        Scratch s = e.s;
        int c = e.c;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double[] rowState = e.rowState;
        for (int i = e.lo; i < e.hi; i++) {
            double p = e.pred.get(i);
            if (!(p >= 0.0 && p <= 1.0)) {
                Kernels.bad(s, c, PRED, i, p);
                return;
            }
            double t = e.target.get(i);
            if (!(t >= 0.0 && t <= 1.0)) {
                Kernels.bad(s, c, TARGET, i, t);
                return;
            }
            double w = weightAt(e, i, rowState);
            if (w != w) {
                return;
            }
            if (!(w > 0.0)) {
                binOf[i] = -1;
                zero(e, i);
                continue;
            }
            boolean clipped = p < PROB_EPS || p > 1.0 - PROB_EPS;
            double pc = Math.min(Math.max(p, PROB_EPS), 1.0 - PROB_EPS);
            if (e.grad != null) {
                e.grad.set(i, clipped ? 0.0 : (pc - t) / (pc * (1.0 - pc)));
            }
            int k = Kernels.bin(Math.abs(p - t), edges, m);
            binOf[i] = (short) k;
            int slot = base + (i & (Scratch.LANES - 1)) * m + k;
            counts[slot]++;
            double l = -(t * Math.log(pc) + (1.0 - t) * Math.log(1.0 - pc));
            sums[slot] += l;
            if (e.elementLoss != null) {
                e.elementLoss.set(i, l);
            }
        }
    }

    /**
     * GHM-R pass 1. Float32 inputs go in blocks of {@link MathKernels#BLOCK}: bulk copies out of native
     * memory, one vectorized loop for r = sqrt(d^2 + mu^2), l = r - mu, dl/dx = d / r and g = |d| / r
     * (the same operations as {@link #asl1Elements}, so the same bits), then a scalar loop that checks,
     * bins and accumulates. Other input goes element by element.
     */
    private void asl1(Elements e) {
        Vec.F32 pred32 = e.pred instanceof Vec.F32 f ? f : null;
        Vec.F32 target32 = e.target instanceof Vec.F32 f ? f : null;
        if (pred32 == null || target32 == null) {
            asl1Elements(e);
            return;
        }
        Scratch s = e.s;
        int c = e.c;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double wsum = 0.0;
        double[] rowState = e.rowState;
        double[][] kernel = MathKernels.blockBuffers();
        double[] g = kernel[0];
        double[] tw = kernel[1];
        BlockBuffers b = BlockBuffers.get();
        float[] xs = b.pred;
        float[] ts = b.target;
        double[] dOut = b.grad;
        double[] lOut = b.loss;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            pred32.get(b0, xs, len);
            target32.get(b0, ts, len);
            MathKernels.widen(xs, 0, g, len);
            MathKernels.widen(ts, 0, tw, len);
            MathKernels.asl1Block(g, tw, mu, lOut, dOut, len);
            for (int j = 0; j < len; j++) {
                int i = b0 + j;
                if (!(Math.abs(xs[j]) <= Float.MAX_VALUE)) {
                    Kernels.bad(s, c, PRED, i, xs[j]);
                    return;
                }
                if (!(Math.abs(ts[j]) <= Float.MAX_VALUE)) {
                    Kernels.bad(s, c, TARGET, i, ts[j]);
                    return;
                }
                double w = weightAt(e, i, rowState);
                if (w != w) {
                    return;
                }
                wsum += w;
                if (!(w > 0.0)) {
                    binOf[i] = -1;
                    dOut[j] = 0.0;
                    lOut[j] = 0.0;
                    continue;
                }
                int k = Kernels.bin(g[j], edges, m);
                binOf[i] = (short) k;
                int slot = base + (i & (Scratch.LANES - 1)) * m + k;
                counts[slot]++;
                sums[slot] += lOut[j];
            }
            if (e.grad != null) {
                e.grad.put(b0, dOut, len, b.narrow);
            }
            if (e.elementLoss != null) {
                e.elementLoss.put(b0, lOut, len, b.narrow);
            }
        }
        s.chunkExtra[c * 4] = wsum;
    }

    /** GHM-R pass 1 element by element (float64 input). */
    private void asl1Elements(Elements e) {
        Scratch s = e.s;
        int c = e.c;
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        double[] sums = s.chunkLoss;
        int m = bins;
        int base = c * Scratch.LANES * m;
        double mu2 = mu * mu;
        double wsum = 0.0;
        double[] rowState = e.rowState;
        for (int i = e.lo; i < e.hi; i++) {
            double x = e.pred.get(i);
            if (!(Math.abs(x) <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, PRED, i, x);
                return;
            }
            double t = e.target.get(i);
            if (!(Math.abs(t) <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, TARGET, i, t);
                return;
            }
            double w = weightAt(e, i, rowState);
            if (w != w) {
                return;
            }
            wsum += w;
            if (!(w > 0.0)) {
                binOf[i] = -1;
                zero(e, i);
                continue;
            }
            double d = x - t;
            double r = Math.sqrt(d * d + mu2);
            if (e.grad != null) {
                e.grad.set(i, d / r);
            }
            int k = Kernels.bin(Math.abs(d) / r, edges, m);
            binOf[i] = (short) k;
            int slot = base + (i & (Scratch.LANES - 1)) * m + k;
            counts[slot]++;
            double l = r - mu;
            sums[slot] += l;
            if (e.elementLoss != null) {
                e.elementLoss.set(i, l);
            }
        }
        s.chunkExtra[c * 4] = wsum;
    }

    /**
     * Fused GHM-R pass 1 (float32 pred and target, label weights absent or float32) in blocks of
     * {@link MathKernels#BLOCK} copied out of native memory: checks every value and counts R per bin,
     * without l or dl/dx. {@code s.bins} gets the slot (bin + 1, 0 for weight 0) of every element, or
     * {@link FloatVectorKernels#SLOTS_LATER} at a block's first element when
     * {@link FloatVectorKernels#asl1Counts} counted the block's leading elements from |x - t| without
     * storing slots (with {@link VectorSupport#ENABLED} and {@link DeltaBins}); the rest of the block (a
     * tail shorter than a vector, or all of it without the kernels) is binned from the float64 g of D-3.
     * At a bad value the block is checked again in GHM-6 order ({@link #recordFirstBadAsl1}). The chunk's
     * sum of label weights goes to {@code chunkExtra[4 c]} (row weights: {@link #rowWeightSum}).
     */
    private void asl1FusedCounts(Elements e) {
        Vec.F32 pred32 = (Vec.F32) e.pred;
        Vec.F32 target32 = (Vec.F32) e.target;
        Scratch s = e.s;
        short[] slotOf = s.bins;
        long[] slotCounts = e.slotCounts;
        Arrays.fill(slotCounts, 0L);
        int m = bins;
        int slots = m + 1;
        double mu2 = mu * mu;
        boolean vector = VectorSupport.ENABLED && deltaBins != null;
        double[] g = MathKernels.blockBuffers()[0];
        BlockBuffers b = BlockBuffers.get();
        float[] xs = b.pred;
        float[] ts = b.target;
        float[] ws = b.weight;
        double weightSum = 0.0;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            pred32.get(b0, xs, len);
            target32.get(b0, ts, len);
            labelWeightBlock(e, b0, len, b);
            int done = vector
                    ? FloatVectorKernels.asl1Counts(xs, 0, ts, 0, ws, 0, deltaBins, slotOf, b0, slotCounts, 0, len)
                    : 0;
            // a loop of its own, so that C2 vectorizes it; the same operations as asl1Block
            for (int j = done; j < len; j++) {
                double d = (double) xs[j] - ts[j];
                g[j] = Math.abs(d) / Math.sqrt(d * d + mu2);
            }
            for (int j = done; j < len; j++) {
                float wj = ws[j];
                boolean finite = (Math.abs(xs[j]) <= Float.MAX_VALUE) & (Math.abs(ts[j]) <= Float.MAX_VALUE);
                if (!(finite & wj >= 0f & wj <= Float.MAX_VALUE)) {
                    recordFirstBadAsl1(e, b0, len);
                    return;
                }
                int slot = wj > 0f ? 1 + Kernels.bin(g[j], edges, m) : 0;
                slotOf[b0 + j] = (short) slot;
                slotCounts[(j & (Scratch.LANES - 1)) * slots + slot]++;
            }
            if (e.weight != null && e.perRow == 0) {
                weightSum += MathKernels.sum(ws, 0, len);
            }
        }
        if (e.weight != null && e.perRow > 0) {
            weightSum = rowWeightSum(e, b.rowWeight);
        }
        int base = e.c * Scratch.LANES * m;
        for (int lane = 0; lane < Scratch.LANES; lane++) {
            for (int k = 0; k < m; k++) {
                s.chunkCounts[base + lane * m + k] = slotCounts[lane * slots + k + 1];
            }
        }
        s.chunkExtra[e.c * 4] = weightSum;
    }

    /**
     * The sum of the label weights of chunk e's elements [lo, hi) with float32 row weights w (rows of
     * p = perRow elements), in float64: p * sum of w over the rows inside [lo, hi), plus w times the
     * number of elements inside for a row cut by lo or hi. {@code rw}: scratch of {@link MathKernels#BLOCK}.
     */
    private static double rowWeightSum(Elements e, float[] rw) {
        Vec.F32 w = (Vec.F32) e.weight;
        long p = e.perRow;
        long lo = e.lo;
        long hi = e.hi;
        if (hi == lo) {
            return 0.0;
        }
        // rows [fullFrom, fullTo) lie wholly inside [lo, hi)
        long fullFrom = (lo + p - 1) / p;
        long fullTo = hi / p;
        if (fullFrom > fullTo) {
            // lo and hi inside one row
            return (double) (hi - lo) * w.get((int) (lo / p));
        }
        double rows = 0.0;
        for (long r0 = fullFrom; r0 < fullTo; r0 += MathKernels.BLOCK) {
            int count = (int) Math.min(MathKernels.BLOCK, fullTo - r0);
            w.get((int) r0, rw, count);
            rows += MathKernels.sum(rw, 0, count);
        }
        double sum = p * rows;
        if (lo < fullFrom * p) {
            sum += (double) (fullFrom * p - lo) * w.get((int) (fullFrom - 1));
        }
        if (hi > fullTo * p) {
            sum += (double) (hi - fullTo * p) * w.get((int) fullTo);
        }
        return sum;
    }

    /**
     * The float32 label weights of elements [b0, b0 + len) into {@code b.weight}: 1 without weights, the
     * element weights, or each element's row weight (rows of {@code perRow} elements), unchecked.
     */
    private static void labelWeightBlock(Elements e, int b0, int len, BlockBuffers b) {
        float[] ws = b.weight;
        Vec.F32 weight = (Vec.F32) e.weight;
        int perRow = e.perRow;
        if (weight == null) {
            Arrays.fill(ws, 0, len, 1f);
            return;
        }
        if (perRow == 0) {
            weight.get(b0, ws, len);
            return;
        }
        int row0 = b0 / perRow;
        float[] rw = b.rowWeight;
        weight.get(row0, rw, (b0 + len - 1) / perRow - row0 + 1);
        if (perRow == 4 && (b0 & 3) == 0 && (len & 3) == 0) {
            for (int r = 0, j = 0; j < len; r++, j += 4) {
                float v = rw[r];
                ws[j] = v;
                ws[j + 1] = v;
                ws[j + 2] = v;
                ws[j + 3] = v;
            }
            return;
        }
        int col = b0 - row0 * perRow;
        int r = 0;
        for (int j = 0; j < len; j++) {
            ws[j] = rw[r];
            if (++col == perRow) {
                col = 0;
                r++;
            }
        }
    }

    /**
     * Records the first bad value of block [b0, b0 + len) of chunk e as {@link #asl1} does: per element pred,
     * target, then the label weight (a row weight at its row's first element in the block).
     */
    private static void recordFirstBadAsl1(Elements e, int b0, int len) {
        double[] rowState = e.rowState;
        rowState[0] = b0;
        rowState[1] = 1.0;
        for (int i = b0; i < b0 + len; i++) {
            double x = e.pred.get(i);
            if (!Kernels.finite(x)) {
                Kernels.bad(e.s, e.c, PRED, i, x);
                return;
            }
            double t = e.target.get(i);
            if (!Kernels.finite(t)) {
                Kernels.bad(e.s, e.c, TARGET, i, t);
                return;
            }
            if (Double.isNaN(weightAt(e, i, rowState))) {
                return;
            }
        }
    }

    /**
     * Fused GHM-R pass 2 over chunk e in blocks, with f = lossWeight beta / tot per slot (MEAN; 0 for slot 0):
     * gradient = f d / r, weights = beta of the slot, and the chunk's loss sum_i f (r - mu) into
     * {@code chunkExtra[4 c]}, d = x - t, r = sqrt(d^2 + mu^2). With {@link VectorSupport#ENABLED} in float32
     * lanes (D-19): {@link FloatVectorKernels#asl1Harmonized} for a block marked
     * {@link FloatVectorKernels#SLOTS_LATER} (it finds the bins again), {@link FloatVectorKernels#asl1} from
     * the stored slots otherwise (both take a block whose d^2 overflows float32 in float64); without, in
     * float64 from the stored slots ({@link #asl1Float64Block}).
     *
     * @param gradScale   f per slot, length M + 1; not modified
     * @param gradScale32 gradScale rounded to float32; not modified
     * @param betaAt32    beta per slot in float32 (0 at slot 0); not modified
     * @param weightsOut  the per-element weights output, or null
     */
    private void asl1Fused(Elements e, double[] gradScale, float[] gradScale32, float[] betaAt32, Vec.F32 weightsOut) {
        Vec.F32 pred32 = (Vec.F32) e.pred;
        Vec.F32 target32 = (Vec.F32) e.target;
        Vec.F32 grad = (Vec.F32) e.grad;
        short[] slotOf = e.s.bins;
        double[][] kernel = MathKernels.blockBuffers();
        float[][] floats = MathKernels.blockFloats();
        // per-element factors, then the block's weights
        float[] f = floats[0];
        float[] terms = floats[1];
        BlockBuffers b = BlockBuffers.get();
        float[] xs = b.pred;
        float[] ts = b.target;
        float[] g = b.narrow;
        float[] gradOut = grad == null ? null : g;
        float[] weightsBlock = weightsOut == null ? null : f;
        boolean vector = VectorSupport.ENABLED;
        double loss = 0.0;
        for (int b0 = e.lo; b0 < e.hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, e.hi - b0);
            pred32.get(b0, xs, len);
            target32.get(b0, ts, len);
            boolean slotsLater = vector && slotOf[b0] == FloatVectorKernels.SLOTS_LATER;
            if (slotsLater) {
                labelWeightBlock(e, b0, len, b);
                loss += FloatVectorKernels.asl1Harmonized(xs, 0, ts, 0, b.weight, 0, deltaBins, gradScale32,
                        betaAt32, mu, gradOut, 0, weightsBlock, 0, terms, len);
            } else if (vector) {
                for (int j = 0; j < len; j++) {
                    f[j] = gradScale32[slotOf[b0 + j]];
                }
                loss += FloatVectorKernels.asl1(xs, 0, ts, 0, f, mu, gradOut, 0, terms, len);
            } else {
                loss += asl1Float64Block(xs, ts, slotOf, b0, len, gradScale, kernel, g);
            }
            if (!slotsLater && weightsBlock != null) {
                for (int j = 0; j < len; j++) {
                    weightsBlock[j] = betaAt32[slotOf[b0 + j]];
                }
            }
            if (grad != null) {
                grad.put(b0, g, len);
            }
            if (weightsOut != null) {
                weightsOut.put(b0, weightsBlock, len);
            }
        }
        e.s.chunkExtra[e.c * 4] = loss;
    }

    /**
     * GHM-R of block [b0, b0 + len) in float64 from the stored slots, f = gradScale[slot]: g[j] = f d / r
     * (float32) and returns sum_j f (r - mu), d = xs[j] - ts[j], r = sqrt(d^2 + mu^2)
     * ({@link MathKernels#asl1LossBlock}, {@link MathKernels#scaleBlock}). {@code kernel}: the thread's
     * {@link MathKernels#blockBuffers()}, overwritten.
     */
    private double asl1Float64Block(float[] xs, float[] ts, short[] slotOf, int b0, int len, double[] gradScale,
                                    double[][] kernel, float[] g) {
        double[] deriv = kernel[0];
        double[] tw = kernel[1];
        double[] l = kernel[2];
        MathKernels.widen(xs, 0, deriv, len);
        MathKernels.widen(ts, 0, tw, len);
        MathKernels.asl1LossBlock(deriv, tw, mu, l, deriv, len);
        return MathKernels.scaleBlock(gradScale, slotOf, b0, l, deriv, g, 0, len);
    }

    /** An invalid element's outputs (pass 2 scales them by 0, which must not meet a stale NaN). */
    private static void zero(Elements e, int i) {
        if (e.grad != null) {
            e.grad.set(i, 0.0);
        }
        if (e.elementLoss != null) {
            e.elementLoss.set(i, 0.0);
        }
    }

    /**
     * Pass 2 over chunk c in blocks: every output element from its bin (index bin + 1 into the
     * shifted per-bin factors, whose entry 0 is 0 for elements not counted, whose pass-1 outputs are 0).
     */
    private static void pass2(Scratch s, int c, int n, double[] betaAt, double[] gradScale, double[] lossScale,
                              Vec grad, Vec weightsOut, Vec elementLoss) {
        int lo = c * Chunks.SIZE;
        int hi = Math.min(n, lo + Chunks.SIZE);
        short[] binOf = s.bins;
        BlockBuffers b = BlockBuffers.get();
        double[] v = b.grad;
        float[] narrow = b.narrow;
        for (int b0 = lo; b0 < hi; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, hi - b0);
            if (grad instanceof Vec.F32 grad32) {
                // the common case without the round trip through float64 staging
                grad32.get(b0, narrow, len);
                for (int j = 0; j < len; j++) {
                    narrow[j] = (float) (narrow[j] * gradScale[binOf[b0 + j] + 1]);
                }
                grad32.put(b0, narrow, len);
            } else if (grad != null) {
                grad.get(b0, v, len, narrow);
                for (int j = 0; j < len; j++) {
                    v[j] *= gradScale[binOf[b0 + j] + 1];
                }
                grad.put(b0, v, len, narrow);
            }
            if (weightsOut != null) {
                weightsBlock(binOf, b0, len, betaAt, weightsOut, v, narrow);
            }
            if (elementLoss != null) {
                elementLoss.get(b0, v, len, narrow);
                for (int j = 0; j < len; j++) {
                    v[j] *= lossScale[binOf[b0 + j] + 1];
                }
                elementLoss.put(b0, v, len, narrow);
            }
        }
    }

    /** weights = betaAt[bin + 1] of block [b0, b0 + len), staged in {@code v} and {@code narrow}. */
    private static void weightsBlock(short[] binOf, int b0, int len, double[] betaAt, Vec weightsOut, double[] v,
                                     float[] narrow) {
        for (int j = 0; j < len; j++) {
            v[j] = betaAt[binOf[b0 + j] + 1];
        }
        weightsOut.put(b0, v, len, narrow);
    }

    @Override
    public String toString() {
        return "Nd4j" + (kind == Kind.ASL1 ? "Ghmr" : "Ghmc") + "Loss[" + config + "]";
    }
}
