package org.ghm4j.detection;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Fixed-size chunking of index ranges, run on the common ForkJoinPool. Each chunk writes only its
 * own slice (or its own slot of a per-chunk array) and the caller combines per-chunk results in
 * chunk order, so results do not depend on the number of threads (GHM-7.5).
 */
public final class Chunks {
    private Chunks() {
    }

    /** Number of chunks of {@code size} covering {@code n} elements. */
    public static int count(int n, int size) {
        return (n + size - 1) / size;
    }

    /** Runs {@code body.accept(c)} for every chunk c in [0, chunks), in parallel when there is more than one. */
    public static void run(int chunks, IntConsumer body) {
        if (chunks <= 1) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
        } else {
            IntStream.range(0, chunks).parallel().forEach(body);
        }
    }
}
