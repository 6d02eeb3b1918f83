package org.ghm4j.api.tensor;

/** Element type of a {@link Tensor}. */
public enum DType {
    FLOAT32,
    FLOAT64
}
