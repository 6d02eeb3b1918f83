package org.ghm4j.cli.demo;

import java.nio.file.Path;

/**
 * What {@code ghm demo} runs.
 *
 * @param seed    seed of the batch and of every step's head outputs
 * @param steps   training steps shown, >= 1
 * @param backend the one backend to run, or null for every available one
 * @param out     directory for the figure (created when missing)
 * @param svg     also write the figure as SVG
 */
public record DemoOptions(long seed, int steps, String backend, Path out, boolean svg) {

    public DemoOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
    }
}
