package org.ghm4j.backend.java.loss;

import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Scratch;

/**
 * The working set of one loss call: float views of the inputs (heap arrays in place, other tensors
 * copied), the row/column layout and fixed chunks, per-element outputs of pass 1 and per-chunk
 * partial sums. Pass 1 records slot s_i in [0, M]: 0 for an invalid element, k + 1 for bin k.
 */
final class Call {
    /** Chunks hold up to this many elements (whole rows)... */
    static final int MAX_CHUNK_ELEMENTS = 1 << 16;
    /** ...and at least this many, but smaller inputs are cut into about this many chunks, to balance. */
    static final int MIN_CHUNK_ELEMENTS = 1 << 12;
    static final int MIN_CHUNKS = 16;

    /**
     * Interleaved accumulator lanes per chunk: element i adds to lane i % LANES, which breaks the
     * store-to-load dependency when consecutive elements fall in the same bin. Lanes are combined in
     * a fixed order, so results stay independent of the thread count.
     */
    static final int LANES = 4;

    static final byte ARG_PRED = 1;
    static final byte ARG_TARGET = 2;
    static final byte ARG_WEIGHT = 3;
    static final byte ARG_ROW_WEIGHT = 4;

    final Scratch scratch;

    // inputs (read only)
    float[] pred;
    int predOff;
    float[] target;
    int targetOff;
    /** labelWeight of pred's shape, or null. */
    float[] weight;
    int weightOff;
    /** labelWeight of shape [rows], or null. */
    float[] rowWeight;
    int rowWeightOff;

    int length;
    int rows;
    int cols;
    int rowsPerChunk;
    int chunks;
    int slots;

    // pass-1 outputs
    short[] slot;
    /** Unweighted derivative per element, or null when no gradient is wanted. */
    float[] raw;
    int rawOff;
    /** Unweighted element loss (for NONE), or null. */
    float[] elementLoss;
    /** One row of doubles per chunk (categorical softmax). */
    double[] rowBuffer;
    /** Softmax probabilities (categorical logits), or null. */
    float[] prob;
    /**
     * GHM-C with the vector kernels: per block of {@link org.ghm4j.backend.java.kernel.MathKernels#BLOCK}
     * elements ({@link #blockIndex}), how many thresholds its zero-target logits reach.
     */
    int[] blockReach;

    // per-chunk partials
    long[] counts;
    double[] lossSums;
    double[] totParts;
    /** Per-chunk loss of the fused scheme. */
    double[] lossParts;
    int[] errIndex;
    byte[] errArg;

    Call(Scratch scratch) {
        this.scratch = scratch;
    }

    void layout(int[] shape, int bins) {
        length = 1;
        for (int d : shape) {
            length *= d;
        }
        rows = shape.length == 0 ? 1 : shape[0];
        cols = rows == 0 ? 0 : length / rows;
        // a function of the shape only, never of the thread count (GHM-7.5)
        int target = Math.max(MIN_CHUNK_ELEMENTS, Math.min(MAX_CHUNK_ELEMENTS, length / MIN_CHUNKS));
        rowsPerChunk = Math.max(1, target / Math.max(cols, 1));
        chunks = Math.max(1, (rows + rowsPerChunk - 1) / rowsPerChunk);
        slots = bins + 1;
        counts = scratch.longs(chunks * LANES * slots);
        lossSums = scratch.doubles(chunks * LANES * slots);
        totParts = scratch.doubles2(chunks);
        lossParts = scratch.doubles4(chunks);
        errIndex = scratch.ints(chunks);
        errArg = scratch.bytes(chunks);
        java.util.Arrays.fill(counts, 0, chunks * LANES * slots, 0L);
        java.util.Arrays.fill(lossSums, 0, chunks * LANES * slots, 0.0);
        java.util.Arrays.fill(totParts, 0, chunks, 0.0);
        java.util.Arrays.fill(errIndex, 0, chunks, -1);
        slot = scratch.shorts(length);
    }

    /**
     * The index of the block starting at element b0 of a chunk: b0 / BLOCK + chunk, distinct for every
     * block of the call (a chunk's blocks start at its first element). Less than length / BLOCK + chunks + 1.
     */
    static int blockIndex(int chunk, int b0) {
        return b0 / org.ghm4j.backend.java.kernel.MathKernels.BLOCK + chunk;
    }

    /** Offset of chunk {@code chunk}'s lane 0 in {@link #counts} and {@link #lossSums}. */
    int partialBase(int chunk) {
        return chunk * LANES * slots;
    }

    int rowStart(int chunk) {
        return chunk * rowsPerChunk;
    }

    int rowEnd(int chunk) {
        return Math.min(rows, (chunk + 1) * rowsPerChunk);
    }

    /**
     * The weight of row {@code r}: 1 without row weights; -1 after recording a bad (negative or
     * non-finite) one, in which case the chunk must stop.
     */
    /**
     * The first row of the chunk whose row weight is negative or not finite, or the chunk's end row
     * when there is none (or no row weights).
     */
    int firstBadRowWeight(int chunk) {
        int end = rowEnd(chunk);
        if (rowWeight != null) {
            for (int r = rowStart(chunk); r < end; r++) {
                float v = rowWeight[rowWeightOff + r];
                if (!(v >= 0f && v <= Float.MAX_VALUE)) {
                    return r;
                }
            }
        }
        return end;
    }

    /**
     * The label weights of elements b0 .. b0 + n - 1 of a call without element weights, into
     * wb[0 .. n): 1, or the row weights repeated over their rows (four stores per row for rows of 4, a
     * fill per row otherwise). Row weights are copied as they are: callers check them. Returns wb.
     */
    float[] weightBlock(int b0, int n, float[] wb) {
        final float[] rw = rowWeight;
        if (rw == null) {
            java.util.Arrays.fill(wb, 0, n, 1f);
            return wb;
        }
        int r = rowWeightOff + b0 / cols;
        if (cols == 4 && b0 % 4 == 0 && n % 4 == 0) {
            for (int j = 0; j < n; j += 4, r++) {
                float v = rw[r];
                wb[j] = v;
                wb[j + 1] = v;
                wb[j + 2] = v;
                wb[j + 3] = v;
            }
            return wb;
        }
        for (int j = 0, col = b0 % cols; j < n; r++, col = 0) {
            int end = Math.min(n, j + cols - col);
            java.util.Arrays.fill(wb, j, end, rw[r]);
            j = end;
        }
        return wb;
    }

    float rowWeightOf(int chunk, int r) {
        if (rowWeight == null) {
            return 1f;
        }
        float wr = rowWeight[rowWeightOff + r];
        if (!(wr >= 0f && wr <= Float.MAX_VALUE)) {
            fail(chunk, ARG_ROW_WEIGHT, r);
            return -1f;
        }
        return wr;
    }

    /** A valid element of weight 0 (GHM-1.3): slot 0, and 0 for its raw derivative and element loss when wanted. */
    void zeroElement(int i) {
        slot[i] = 0;
        if (raw != null) {
            raw[rawOff + i] = 0f;
        }
        if (elementLoss != null) {
            elementLoss[i] = 0f;
        }
    }

    /**
     * Element i in slot s (bin + 1) with loss l and raw derivative d: counted and its loss summed in
     * lane i % {@link #LANES} of the chunk partials at {@code base}; d and l written when wanted.
     */
    void recordElement(int base, int i, int s, double l, double d) {
        int idx = base + (i & (LANES - 1)) * slots + s;
        counts[idx]++;
        lossSums[idx] += l;
        slot[i] = (short) s;
        if (raw != null) {
            raw[rawOff + i] = (float) d;
        }
        if (elementLoss != null) {
            elementLoss[i] = (float) l;
        }
    }

    /** Records the first bad element of a chunk; the chunk stops there. */
    void fail(int chunk, byte arg, int index) {
        errIndex[chunk] = index;
        errArg[chunk] = arg;
    }

    void bindInputs(Tensor predT, Tensor targetT, Tensor weightT, boolean rowWeights) {
        if (predT instanceof FloatArrayTensor f) {
            pred = f.array();
            predOff = f.offset();
        } else {
            pred = scratch.floats(0, predT.length());
            predT.copyTo(pred, 0);
            predOff = 0;
        }
        if (targetT instanceof FloatArrayTensor f) {
            target = f.array();
            targetOff = f.offset();
        } else {
            target = scratch.floats(1, targetT.length());
            targetT.copyTo(target, 0);
            targetOff = 0;
        }
        weight = null;
        rowWeight = null;
        if (weightT != null) {
            float[] a;
            int off;
            if (weightT instanceof FloatArrayTensor f) {
                a = f.array();
                off = f.offset();
            } else {
                a = scratch.floats(2, weightT.length());
                weightT.copyTo(a, 0);
                off = 0;
            }
            if (rowWeights) {
                rowWeight = a;
                rowWeightOff = off;
            } else {
                weight = a;
                weightOff = off;
            }
        }
    }

    /**
     * Throws the error of the lowest failing chunk (the first bad element in row-major order), or
     * returns when every chunk passed.
     */
    void throwFirstError(Tensor predT, Tensor targetT, Tensor weightT, RangeRules rules) {
        for (int c = 0; c < chunks; c++) {
            int i = errIndex[c];
            if (i < 0) {
                continue;
            }
            throw error(errArg[c], i, predT, targetT, weightT, rules);
        }
    }

    private static InvalidInputException error(byte arg, int i, Tensor predT, Tensor targetT, Tensor weightT,
                                               RangeRules rules) {
        Tensor t = arg == ARG_PRED ? predT : arg == ARG_TARGET ? targetT : weightT;
        String name = arg == ARG_PRED ? rules.predName() : arg == ARG_TARGET ? "target" : "labelWeight";
        double v = t.getDouble(i);
        if (!Double.isFinite(v)) {
            return InputErrors.nonFinite(name, t.shape(), i, v);
        }
        if (arg == ARG_PRED) {
            return InputErrors.outOfRange(name, t.shape(), i, v, rules.predRange(), rules.predRule());
        }
        if (arg == ARG_TARGET) {
            return InputErrors.outOfRange(name, t.shape(), i, v, rules.targetRange(), rules.targetRule());
        }
        return InputErrors.outOfRange(name, t.shape(), i, v, "[0, +inf)", "label weights are >= 0, D-7");
    }

    /** Words for range errors of one loss. */
    record RangeRules(String predName, String predRange, String predRule, String targetRange, String targetRule) {
    }
}
