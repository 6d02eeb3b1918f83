package org.ghm4j.api;

/** Optional abilities a backend declares (GHM-7.4); the testkit gates optional rules on them. */
public enum Capability {
    /** Computes in float64 when given float64 tensors (else it computes in float32). */
    FLOAT64,
    /** Accepts probabilities instead of logits (GHM-2.7, GHM-3.1). */
    PROBABILITY_INPUT,
    /** Works on native (off-heap) memory without copying it to the Java heap. */
    NATIVE_MEMORY,
    /** Bit-identical results for any number of threads (GHM-7.5). */
    DETERMINISTIC,
    /** Provides the categorical (softmax) losses of GHM-3. */
    CATEGORICAL
}
