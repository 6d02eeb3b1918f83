package org.ghm4j.api.tensor;

import java.nio.FloatBuffer;

/**
 * A dense row-major array handed to or returned by a backend: the interchange type of ghm4j.
 *
 * <p>Implementations: {@link FloatArrayTensor} and {@link DoubleArrayTensor} (heap),
 * {@link DirectFloatTensor} (direct NIO buffer), and in {@code ghm-backend-nd4j} a wrapper of
 * {@code INDArray}. A backend works on the {@link MemoryKind} it owns in place and uses the
 * bulk copy methods below for every other kind, so every backend accepts every tensor.
 *
 * <p>Indices are flat row-major indices in {@code [0, length())}.
 */
public interface Tensor {

    /** The shape (a copy), e.g. {@code [N, C]}. */
    int[] shape();

    /** Number of elements, the product of the shape. */
    int length();

    /** Number of dimensions, {@code shape().length}, without copying the shape. */
    default int rank() {
        return shape().length;
    }

    /** Size of dimension {@code d}, {@code shape()[d]}, without copying the shape. */
    default int dim(int d) {
        return shape()[d];
    }

    /** True when the shape equals {@code shape}; no copy on the built-in tensors. */
    default boolean hasShape(int[] shape) {
        if (rank() != shape.length) {
            return false;
        }
        for (int d = 0; d < shape.length; d++) {
            if (dim(d) != shape[d]) {
                return false;
            }
        }
        return true;
    }

    DType dtype();

    MemoryKind memory();

    /** Element {@code i} widened to double. */
    double getDouble(int i);

    /** Writes element {@code i} (rounded to the tensor's dtype). */
    void setDouble(int i, double value);

    /** Copies all elements into {@code dst[dstOffset ..]}, rounding to float. Not modified: this tensor. */
    void copyTo(float[] dst, int dstOffset);

    /** Copies all elements into {@code dst[dstOffset ..]}. Not modified: this tensor. */
    void copyTo(double[] dst, int dstOffset);

    /** Overwrites all elements from {@code src[srcOffset ..]}. */
    void copyFrom(float[] src, int srcOffset);

    /** Overwrites all elements from {@code src[srcOffset ..]}, rounding to the tensor's dtype. */
    void copyFrom(double[] src, int srcOffset);

    /** Wraps {@code data} (not copied) as a float32 tensor of {@code shape}; {@code data.length} must match. */
    static FloatArrayTensor of(float[] data, int... shape) {
        return new FloatArrayTensor(data, 0, shape);
    }

    /** Wraps {@code data} (not copied) as a float64 tensor of {@code shape}; {@code data.length} must match. */
    static DoubleArrayTensor of(double[] data, int... shape) {
        return new DoubleArrayTensor(data, 0, shape);
    }

    /** Wraps a direct buffer (not copied), from its position, as a float32 tensor of {@code shape}. */
    static DirectFloatTensor direct(FloatBuffer buffer, int... shape) {
        return new DirectFloatTensor(buffer, shape);
    }

    /** A new zero-filled heap tensor of {@code dtype} and {@code shape}. */
    static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.length(shape);
        return dtype == DType.FLOAT64 ? of(new double[n], shape) : of(new float[n], shape);
    }

    /** A float32 heap copy of any tensor. */
    static FloatArrayTensor copyOfFloats(Tensor t) {
        float[] a = new float[t.length()];
        t.copyTo(a, 0);
        return of(a, t.shape());
    }

    /** A float64 heap copy of any tensor. */
    static DoubleArrayTensor copyOfDoubles(Tensor t) {
        double[] a = new double[t.length()];
        t.copyTo(a, 0);
        return of(a, t.shape());
    }
}
