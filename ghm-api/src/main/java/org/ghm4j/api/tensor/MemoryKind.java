package org.ghm4j.api.tensor;

/**
 * Where a tensor's elements live. A backend reads and writes the kind it owns without a copy
 * (the Java backend: {@link #HEAP}; the ND4J backend: {@link #NATIVE}) and copies other kinds.
 */
public enum MemoryKind {
    /** A Java array ({@code float[]} or {@code double[]}). */
    HEAP,
    /** A direct NIO buffer outside the Java heap. */
    DIRECT,
    /** Memory owned by a native library, e.g. an ND4J {@code INDArray}. */
    NATIVE
}
