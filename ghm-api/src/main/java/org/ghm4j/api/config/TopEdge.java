package org.ghm4j.api.config;

/** The last bin edge e_M of GHM-1.2 (the others are float32(k) / float32(M)). */
public enum TopEdge {
    /** GHM-C: float32(1 + 1e-6), so g = 1 falls in the last bin. */
    GHMC(1.0f + 1e-6f),
    /** GHM-R: 1000 (g = |d| / sqrt(d^2 + mu^2) is below 1). */
    GHMR(1000.0f),
    /** Seed-categorical (GHM-3.3): exactly 1 (clipping keeps g below 1). */
    UNIT(1.0f);

    private final float value;

    TopEdge(float value) {
        this.value = value;
    }

    /** The edge as float32. */
    public float value() {
        return value;
    }
}
