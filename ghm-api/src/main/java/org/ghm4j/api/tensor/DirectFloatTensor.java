package org.ghm4j.api.tensor;

import java.nio.FloatBuffer;
import org.ghm4j.api.error.ShapeMismatchException;

/**
 * A float32 tensor over a {@link FloatBuffer} (usually direct, i.e. off-heap), from the buffer's
 * position at construction. The buffer is shared, not copied; its position is never moved.
 */
public final class DirectFloatTensor extends ShapedTensor {
    private final FloatBuffer buffer;
    private final int base;

    public DirectFloatTensor(FloatBuffer buffer, int... shape) {
        super(shape);
        int length = length();
        if (buffer.remaining() < length) {
            throw new ShapeMismatchException("FloatBuffer with " + buffer.remaining()
                    + " remaining elements cannot hold shape " + Shapes.format(shape) + " (" + length + " elements)");
        }
        this.buffer = buffer;
        this.base = buffer.position();
    }

    /** The shared buffer; element {@code i} is {@code buffer().get(base() + i)}. */
    public FloatBuffer buffer() {
        return buffer;
    }

    public int base() {
        return base;
    }

    @Override
    public DType dtype() {
        return DType.FLOAT32;
    }

    @Override
    public MemoryKind memory() {
        return buffer.isDirect() ? MemoryKind.DIRECT : MemoryKind.HEAP;
    }

    @Override
    public double getDouble(int i) {
        return buffer.get(base + i);
    }

    @Override
    public void setDouble(int i, double value) {
        buffer.put(base + i, (float) value);
    }

    @Override
    public void copyTo(float[] dst, int dstOffset) {
        buffer.duplicate().position(base).get(dst, dstOffset, length());
    }

    @Override
    public void copyTo(double[] dst, int dstOffset) {
        for (int i = 0; i < length(); i++) {
            dst[dstOffset + i] = buffer.get(base + i);
        }
    }

    @Override
    public void copyFrom(float[] src, int srcOffset) {
        buffer.duplicate().position(base).put(src, srcOffset, length());
    }

    @Override
    public void copyFrom(double[] src, int srcOffset) {
        for (int i = 0; i < length(); i++) {
            buffer.put(base + i, (float) src[srcOffset + i]);
        }
    }

    @Override
    public String toString() {
        return "DirectFloatTensor" + Shapes.format(shape());
    }
}
