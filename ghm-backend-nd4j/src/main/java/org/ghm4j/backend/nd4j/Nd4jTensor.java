package org.ghm4j.backend.nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.MemoryKind;
import org.ghm4j.api.tensor.Shapes;
import org.ghm4j.api.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A {@link Tensor} over an ND4J {@link INDArray} ({@link MemoryKind#NATIVE}): the form in which the
 * ND4J backend reads its inputs and returns its outputs without copying them to the Java heap.
 *
 * <p>Element order is the row-major (c-order) order of the array's <em>logical</em> shape, whatever
 * the array's own ordering or strides: flat index i of a {@code [N, C]} array is element
 * {@code [i / C, i % C]}. A contiguous c-order array that is not a view is read and written in
 * place; views and f-order arrays are accepted too (the backend copies them, in native memory, into
 * a contiguous scratch array and writes results back with {@code assign}). The wrapped array is
 * shared, not copied: writing through this tensor writes into it.
 *
 * <p>Only {@link DataType#FLOAT} (float32) and {@link DataType#DOUBLE} (float64) arrays are accepted.
 */
public final class Nd4jTensor implements Tensor {
    private final INDArray array;
    private final int[] shape;
    private final int length;
    private final DType dtype;
    /** {@link #isContiguous(INDArray)} of the array, fixed by its shape, strides and buffer (computed once: the check allocates). */
    private final boolean contiguous;

    private Nd4jTensor(INDArray array) {
        this.array = array;
        long[] s = array.shape();
        this.shape = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            if (s[d] > Integer.MAX_VALUE) {
                throw new InvalidInputException(ErrorId.INPUT_SHAPE, "INDArray dimension " + d + " is " + s[d]
                        + ", more than 2^31-1");
            }
            shape[d] = (int) s[d];
        }
        this.length = Shapes.length(shape);
        this.dtype = array.dataType() == DataType.DOUBLE ? DType.FLOAT64 : DType.FLOAT32;
        this.contiguous = isContiguous(array);
    }

    /**
     * Wraps {@code array} (not copied).
     *
     * @param array a FLOAT or DOUBLE array of any shape and ordering; shared with the caller
     * @throws InvalidInputException (GHM-INPUT-RANGE) for any other data type
     */
    public static Nd4jTensor of(INDArray array) {
        Objects.requireNonNull(array, "array");
        DataType t = array.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new InvalidInputException(ErrorId.INPUT_RANGE, "INDArray of data type " + t
                    + " is not supported; use FLOAT (float32) or DOUBLE (float64), e.g. array.castTo(DataType.FLOAT)");
        }
        return new Nd4jTensor(array);
    }

    /** The wrapped array (shared). */
    public INDArray array() {
        return array;
    }

    /**
     * True when the array's memory is exactly this tensor's elements in c-order, from the start of its
     * buffer: then {@link #floatBuffer()} / {@link #doubleBuffer()} view it in place.
     */
    public boolean isContiguous() {
        return contiguous;
    }

    static boolean isContiguous(INDArray a) {
        if (a.isEmpty()) {
            return true;
        }
        return !a.isView() && a.data().length() == a.length()
                && (a.rank() <= 1 || a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a));
    }

    /** A native-order view of the data of a contiguous FLOAT array (see {@link #isContiguous()}). */
    FloatBuffer floatBuffer() {
        return length == 0 ? FloatBuffer.allocate(0) : array.data().asNioFloat();
    }

    /** A native-order view of the data of a contiguous DOUBLE array (see {@link #isContiguous()}). */
    DoubleBuffer doubleBuffer() {
        return length == 0 ? DoubleBuffer.allocate(0) : array.data().asNioDouble();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int rank() {
        return shape.length;
    }

    @Override
    public int dim(int d) {
        return shape[d];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public MemoryKind memory() {
        return MemoryKind.NATIVE;
    }

    @Override
    public double getDouble(int i) {
        checkIndex(i);
        if (isContiguous()) {
            return dtype == DType.FLOAT64 ? doubleBuffer().get(i) : floatBuffer().get(i);
        }
        return array.getDouble(Shape.ind2subC(array, i));
    }

    @Override
    public void setDouble(int i, double value) {
        checkIndex(i);
        if (isContiguous()) {
            if (dtype == DType.FLOAT64) {
                doubleBuffer().put(i, value);
            } else {
                floatBuffer().put(i, (float) value);
            }
            return;
        }
        array.putScalar(Shape.ind2subC(array, i), value);
    }

    @Override
    public void copyTo(float[] dst, int dstOffset) {
        if (length == 0) {
            return;
        }
        INDArray c = contiguous();
        if (c.dataType() == DataType.FLOAT) {
            c.data().asNioFloat().get(0, dst, dstOffset, length);
        } else {
            DoubleBuffer b = c.data().asNioDouble();
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = (float) b.get(i);
            }
        }
    }

    @Override
    public void copyTo(double[] dst, int dstOffset) {
        if (length == 0) {
            return;
        }
        INDArray c = contiguous();
        if (c.dataType() == DataType.DOUBLE) {
            c.data().asNioDouble().get(0, dst, dstOffset, length);
        } else {
            FloatBuffer b = c.data().asNioFloat();
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = b.get(i);
            }
        }
    }

    @Override
    public void copyFrom(float[] src, int srcOffset) {
        if (length == 0) {
            return;
        }
        if (isContiguous() && dtype == DType.FLOAT32) {
            floatBuffer().put(0, src, srcOffset, length);
            return;
        }
        float[] part = java.util.Arrays.copyOfRange(src, srcOffset, srcOffset + length);
        array.assign(org.nd4j.linalg.factory.Nd4j.create(part, array.shape(), 'c'));
    }

    @Override
    public void copyFrom(double[] src, int srcOffset) {
        if (length == 0) {
            return;
        }
        if (isContiguous() && dtype == DType.FLOAT64) {
            doubleBuffer().put(0, src, srcOffset, length);
            return;
        }
        if (isContiguous()) {
            FloatBuffer b = floatBuffer();
            for (int i = 0; i < length; i++) {
                b.put(i, (float) src[srcOffset + i]);
            }
            return;
        }
        double[] part = java.util.Arrays.copyOfRange(src, srcOffset, srcOffset + length);
        array.assign(org.nd4j.linalg.factory.Nd4j.create(part, array.shape(), 'c'));
    }

    private INDArray contiguous() {
        return isContiguous() ? array : array.dup('c');
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + " outside a tensor of shape " + Shapes.format(shape));
        }
    }

    @Override
    public String toString() {
        return "Nd4jTensor" + Shapes.format(shape) + "(" + array.dataType() + ")";
    }
}
