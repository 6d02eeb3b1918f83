package org.ghm4j.cli.demo;

import java.util.SplittableRandom;

/**
 * Standard normal numbers from a {@link SplittableRandom} by Marsaglia's polar method, with
 * {@link StrictMath}: the same seed gives the same numbers on every JVM. (SplittableRandom's own
 * {@code nextGaussian()} comes from a default method whose algorithm changed between JDK releases,
 * and {@code Math.log} may differ by an ulp between JVMs.) Not thread-safe: one per chunk.
 */
final class Normal {
    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    Normal(SplittableRandom random) {
        this.random = random;
    }

    /** The generator the numbers come from (for uniform draws in the same stream). */
    SplittableRandom random() {
        return random;
    }

    /** Uniform in [0, 1) (SplittableRandom's specified 53-bit construction). */
    double uniform() {
        return random.nextDouble();
    }

    /** N(0, 1). */
    double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }
}
