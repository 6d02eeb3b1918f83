package org.ghm4j.backend.nd4j;

import java.util.Arrays;

import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.DoubleArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reusable memory of one loss call: native arrays for inputs that cannot be read in place and
 * outputs that cannot be written in place, the per-element bin indices, and the per-chunk partial
 * results. Kept by a loss between calls (one per concurrent caller) so that a steady-state call
 * allocates nothing: the NIO views of native memory are kept too, per slot, and reused while the slot
 * sees the same memory (same address, length and dtype). Losses extend it with their per-call context.
 * Not thread-safe.
 */
class Scratch {
    static final int PRED = 0;
    static final int TARGET = 1;
    static final int WEIGHT = 2;
    static final int OUT_GRAD = 3;
    static final int OUT_WEIGHTS = 4;
    static final int OUT_LOSS = 5;
    private static final int SLOTS = 6;

    /** The view of an empty tensor (ND4J gives empty arrays no data buffer). */
    private static final Vec EMPTY = Vec.of(java.nio.FloatBuffer.allocate(0));

    private final INDArray[] native_ = new INDArray[SLOTS];
    /** Per slot: the view last made, and the address, position, length and dtype of the memory it views. */
    private final Vec[] views = new Vec[SLOTS];
    private final long[] viewAddress = new long[SLOTS];
    private final long[] viewPosition = new long[SLOTS];
    private final long[] viewLength = new long[SLOTS];
    private final DataType[] viewType = new DataType[SLOTS];
    /** The shape of the call's pred, kept for the next call (see {@link #shapeOf}). */
    private int[] shape = new int[0];
    private float[] heapFloats = new float[0];
    private double[] heapDoubles = new double[0];

    /**
     * Bin index of every element, -1 when the element is not counted. Fused GHM-R stores slots instead
     * (bin + 1, 0 when not counted), or {@code FloatVectorKernels.SLOTS_LATER} at the first element of a
     * block whose slots its pass 2 finds again.
     */
    short[] bins = new short[0];
    /**
     * Interleaved accumulator lanes per chunk: element i adds to lane i % LANES, which breaks the
     * store-to-load dependency when consecutive elements fall into the same bin. Lanes are combined
     * in a fixed order, so results do not depend on the thread count.
     */
    static final int LANES = 4;

    /** Per chunk, lane and bin: R (valid elements); index (chunk * LANES + lane) * M + bin. */
    long[] chunkCounts = new long[0];
    /** Per chunk, lane and bin: the sum of the element losses. */
    double[] chunkLoss = new double[0];
    /** Per chunk: extra sums (valid count, weight sum, invalid-row loss, the fused GHM-C loss). */
    double[] chunkExtra = new double[0];
    /** Per chunk: flat index of the first bad element, or -1. */
    int[] badIndex = new int[0];
    /** Per chunk: which argument (index into the call's checks) the first bad element belongs to. */
    int[] badArg = new int[0];
    /** Per chunk: the bad value. */
    double[] badValue = new double[0];
    /** Per row (categorical): 1 when the row is valid. */
    boolean[] rowValid = new boolean[0];

    /** Per bin: R_k, the per-bin loss sums L_k and the EmaDensity value (beta_k or D_k). */
    long[] counts = new long[0];
    double[] lossSums = new double[0];
    double[] binValue = new double[0];
    /**
     * Per bin, at index bin + 1 (index 0, for elements not counted, stays 0): beta_k, the gradient
     * scale and the element-loss scale of pass 2.
     */
    double[] binBeta = new double[1];
    double[] binScale = new double[1];
    double[] binLossScale = new double[1];

    void prepare(int elements, int chunks, int bins) {
        if (this.bins.length < elements) {
            this.bins = new short[elements];
        }
        int slots = chunks * LANES * bins;
        if (chunkCounts.length < slots) {
            chunkCounts = new long[slots];
            chunkLoss = new double[slots];
        }
        if (chunkExtra.length < chunks * 4) {
            chunkExtra = new double[chunks * 4];
        }
        if (badIndex.length < chunks) {
            badIndex = new int[chunks];
            badArg = new int[chunks];
            badValue = new double[chunks];
        }
        if (counts.length != bins) {
            counts = new long[bins];
            lossSums = new double[bins];
            binValue = new double[bins];
            binBeta = new double[bins + 1];
            binScale = new double[bins + 1];
            binLossScale = new double[bins + 1];
        }
        Arrays.fill(chunkCounts, 0, slots, 0L);
        Arrays.fill(chunkLoss, 0, slots, 0.0);
        Arrays.fill(chunkExtra, 0, chunks * 4, 0.0);
        Arrays.fill(badIndex, 0, chunks, -1);
    }

    boolean[] rowValid(int rows) {
        if (rowValid.length < rows) {
            rowValid = new boolean[rows];
        }
        return rowValid;
    }

    /** A contiguous native array of {@code dtype} and {@code shape} in slot {@code slot}, reused when it fits. */
    INDArray array(int slot, DType dtype, int[] shape) {
        DataType t = dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        INDArray a = native_[slot];
        if (a == null || a.dataType() != t || !sameShape(a.shape(), shape)) {
            a = allocate(t, toLong(shape));
            native_[slot] = a;
        }
        return a;
    }

    /** Reads any tensor: in place when it is a contiguous Nd4jTensor, else copied into slot {@code slot}. */
    Vec read(Tensor t, int slot) {
        if (t.length() == 0) {
            return EMPTY;
        }
        if (t instanceof Nd4jTensor n) {
            if (n.isContiguous()) {
                return view(n.array(), slot);
            }
            INDArray a = array(slot, n.dtype(), n.shape());
            a.assign(n.array());
            return view(a, slot);
        }
        INDArray a = array(slot, t.dtype(), t.shape());
        int len = t.length();
        if (t.dtype() == DType.FLOAT64) {
            if (t instanceof DoubleArrayTensor d) {
                a.data().asNioDouble().put(0, d.array(), d.offset(), len);
            } else {
                double[] tmp = heapDoubles(len);
                t.copyTo(tmp, 0);
                a.data().asNioDouble().put(0, tmp, 0, len);
            }
        } else {
            if (t instanceof FloatArrayTensor f) {
                a.data().asNioFloat().put(0, f.array(), f.offset(), len);
            } else {
                float[] tmp = heapFloats(len);
                t.copyTo(tmp, 0);
                a.data().asNioFloat().put(0, tmp, 0, len);
            }
        }
        return view(a, slot);
    }

    /** Where to write output {@code t}: in place when it is a contiguous Nd4jTensor, else slot {@code slot} (see {@link #flush}). */
    Vec write(Tensor t, int slot) {
        if (t.length() == 0) {
            return EMPTY;
        }
        if (t instanceof Nd4jTensor n && n.isContiguous()) {
            return view(n.array(), slot);
        }
        return view(array(slot, t.dtype(), t.shape()), slot);
    }

    /** Copies slot {@code slot} into {@code t} when {@link #write} could not write in place. */
    void flush(Tensor t, int slot) {
        if (t.length() == 0) {
            return;
        }
        if (t instanceof Nd4jTensor n) {
            if (!n.isContiguous()) {
                n.array().assign(native_[slot]);
            }
            return;
        }
        INDArray a = native_[slot];
        int len = t.length();
        if (t.dtype() == DType.FLOAT64) {
            double[] tmp = heapDoubles(len);
            a.data().asNioDouble().get(0, tmp, 0, len);
            t.copyFrom(tmp, 0);
        } else {
            float[] tmp = heapFloats(len);
            a.data().asNioFloat().get(0, tmp, 0, len);
            t.copyFrom(tmp, 0);
        }
    }

    private float[] heapFloats(int len) {
        if (heapFloats.length < len) {
            heapFloats = new float[len];
        }
        return heapFloats;
    }

    private double[] heapDoubles(int len) {
        if (heapDoubles.length < len) {
            heapDoubles = new double[len];
        }
        return heapDoubles;
    }

    static Vec view(INDArray a) {
        return a.dataType() == DataType.DOUBLE ? Vec.of(a.data().asNioDouble()) : Vec.of(a.data().asNioFloat());
    }

    /**
     * {@link #view(INDArray)} of a contiguous array, reusing slot {@code slot}'s last view when it
     * views the same memory: a view depends only on the address, position, length and dtype of the
     * memory (it holds no reference to the array), so a kept one is the one a new call would make.
     */
    Vec view(INDArray a, int slot) {
        DataBuffer d = a.data();
        DataType type = a.dataType();
        long address = d.address();
        long position = d.pointer().position();
        long length = d.length();
        Vec v = views[slot];
        if (v == null || viewAddress[slot] != address || viewPosition[slot] != position
                || viewLength[slot] != length || viewType[slot] != type) {
            v = view(a);
            views[slot] = v;
            viewAddress[slot] = address;
            viewPosition[slot] = position;
            viewLength[slot] = length;
            viewType[slot] = type;
        }
        return v;
    }

    /** The shape of the call's {@code pred} in an array kept for the next call (callers must not keep or modify it). */
    int[] shapeOf(Tensor t) {
        int rank = t.rank();
        if (shape.length != rank) {
            shape = new int[rank];
        }
        for (int d = 0; d < rank; d++) {
            shape[d] = t.dim(d);
        }
        return shape;
    }

    private static boolean sameShape(long[] a, int[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int d = 0; d < b.length; d++) {
            if (a[d] != b[d]) {
                return false;
            }
        }
        return true;
    }

    static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            s[d] = shape[d];
        }
        return s;
    }

    /**
     * A new zeroed c-order array outside any ND4J workspace the calling thread may be in (DL4J trains
     * inside workspaces, whose memory is recycled when the scope closes; ours must outlive the call).
     */
    static INDArray allocate(DataType type, long[] shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(type, shape, 'c');
        }
    }

    /** Sums the lanes of every chunk, in chunk and lane order, into {@code counts} and {@code lossSums} (length M). */
    void combine(int chunks, int bins, long[] counts, double[] lossSums) {
        Arrays.fill(counts, 0L);
        Arrays.fill(lossSums, 0.0);
        for (int c = 0; c < chunks * LANES; c++) {
            int base = c * bins;
            for (int k = 0; k < bins; k++) {
                counts[k] += chunkCounts[base + k];
                lossSums[k] += chunkLoss[base + k];
            }
        }
    }
}
