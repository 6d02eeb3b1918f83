package org.ghm4j.backend.nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Flat element access to native memory (the data buffer of a contiguous INDArray) as float64,
 * whatever its storage type, one element at a time or a block at a time (bulk NIO copies, for the
 * block kernels). Two final implementations only, so the JIT inlines the calls in the kernels' loops.
 */
abstract sealed class Vec permits Vec.F32, Vec.F64 {

    abstract double get(int i);

    abstract void set(int i, double value);

    /**
     * Copies elements {@code [index, index + n)} into {@code dst[0..n)}.
     *
     * @param narrow at least n floats, overwritten: staging for the float32 copy
     */
    abstract void get(int index, double[] dst, int n, float[] narrow);

    /**
     * Writes {@code src[0..n)} to elements {@code [index, index + n)}, rounded to float32 for F32 storage.
     *
     * @param src    the values; not modified
     * @param narrow at least n floats, overwritten: staging for the float32 copy
     */
    abstract void put(int index, double[] src, int n, float[] narrow);

    static Vec of(FloatBuffer b) {
        return new F32(b);
    }

    static Vec of(DoubleBuffer b) {
        return new F64(b);
    }

    static final class F32 extends Vec {
        private final FloatBuffer b;

        F32(FloatBuffer b) {
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double value) {
            b.put(i, (float) value);
        }

        /** Copies elements {@code [index, index + n)} into {@code dst[0..n)}. */
        void get(int index, float[] dst, int n) {
            b.get(index, dst, 0, n);
        }

        /** Writes {@code src[0..n)} (not modified) to elements {@code [index, index + n)}. */
        void put(int index, float[] src, int n) {
            b.put(index, src, 0, n);
        }

        @Override
        void get(int index, double[] dst, int n, float[] narrow) {
            b.get(index, narrow, 0, n);
            for (int j = 0; j < n; j++) {
                dst[j] = narrow[j];
            }
        }

        @Override
        void put(int index, double[] src, int n, float[] narrow) {
            for (int j = 0; j < n; j++) {
                narrow[j] = (float) src[j];
            }
            b.put(index, narrow, 0, n);
        }
    }

    static final class F64 extends Vec {
        private final DoubleBuffer b;

        F64(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double value) {
            b.put(i, value);
        }

        /** Copies elements {@code [index, index + n)} into {@code dst[0..n)}. */
        void get(int index, double[] dst, int n) {
            b.get(index, dst, 0, n);
        }

        @Override
        void get(int index, double[] dst, int n, float[] narrow) {
            b.get(index, dst, 0, n);
        }

        @Override
        void put(int index, double[] src, int n, float[] narrow) {
            b.put(index, src, 0, n);
        }
    }
}
