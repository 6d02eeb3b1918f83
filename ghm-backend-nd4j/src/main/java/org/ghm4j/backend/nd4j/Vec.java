package org.ghm4j.backend.nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Flat element access to native memory (the data buffer of a contiguous INDArray) as float64,
 * whatever its storage type. Two final implementations only, so the JIT inlines the calls in the
 * kernels' loops.
 */
abstract sealed class Vec permits Vec.F32, Vec.F64 {

    abstract double get(int i);

    abstract void set(int i, double value);

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
    }
}
