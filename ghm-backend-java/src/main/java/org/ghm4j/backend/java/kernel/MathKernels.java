package org.ghm4j.backend.java.kernel;

/** Scalar functions shared by the kernels, accurate over the whole float range. */
public final class MathKernels {
    private MathKernels() {
    }

    /** log(1 + e) for e in [0, 1]: a short series below 1e-4 (relative error < 1e-12), else Math.log. */
    public static double log1pUnit(double e) {
        if (e < 1e-4) {
            return e * (1.0 - e * (0.5 - e * (1.0 / 3.0)));
        }
        return Math.log(1.0 + e);
    }
}
