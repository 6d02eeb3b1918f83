package org.ghm4j.api.tensor;

import org.ghm4j.api.error.ShapeMismatchException;

/** A float64 tensor backed by {@code double[] array()} from {@code offset()}: no copy on the heap backends. */
public final class DoubleArrayTensor extends ShapedTensor {
    private final double[] data;
    private final int offset;

    /** Wraps {@code data[offset .. offset + product(shape))}; the array is shared, not copied. */
    public DoubleArrayTensor(double[] data, int offset, int... shape) {
        super(shape);
        int length = length();
        if (offset < 0 || (long) offset + length > data.length) {
            throw new ShapeMismatchException("double[" + data.length + "] from offset " + offset
                    + " cannot hold shape " + Shapes.format(shape) + " (" + length + " elements)");
        }
        this.data = data;
        this.offset = offset;
    }

    /** The backing array (shared). Element {@code i} is {@code array()[offset() + i]}. */
    public double[] array() {
        return data;
    }

    public int offset() {
        return offset;
    }

    @Override
    public DType dtype() {
        return DType.FLOAT64;
    }

    @Override
    public MemoryKind memory() {
        return MemoryKind.HEAP;
    }

    @Override
    public double getDouble(int i) {
        return data[offset + i];
    }

    @Override
    public void setDouble(int i, double value) {
        data[offset + i] = value;
    }

    @Override
    public void copyTo(float[] dst, int dstOffset) {
        for (int i = 0; i < length(); i++) {
            dst[dstOffset + i] = (float) data[offset + i];
        }
    }

    @Override
    public void copyTo(double[] dst, int dstOffset) {
        System.arraycopy(data, offset, dst, dstOffset, length());
    }

    @Override
    public void copyFrom(float[] src, int srcOffset) {
        for (int i = 0; i < length(); i++) {
            data[offset + i] = src[srcOffset + i];
        }
    }

    @Override
    public void copyFrom(double[] src, int srcOffset) {
        System.arraycopy(src, srcOffset, data, offset, length());
    }

    @Override
    public String toString() {
        return "DoubleArrayTensor" + Shapes.format(shape());
    }
}
