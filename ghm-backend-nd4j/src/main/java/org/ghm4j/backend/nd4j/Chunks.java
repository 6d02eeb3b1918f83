package org.ghm4j.backend.nd4j;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs a kernel over fixed chunks on the backend's pool. The chunk boundaries depend only on the
 * element count (never on the thread count) and each chunk writes its partial results into its own
 * slot, which the caller combines in chunk order: results are bit-identical for any number of
 * threads (GHM-7.5).
 */
final class Chunks {
    /** Elements per chunk (the design's fixed 64k). */
    static final int SIZE = 1 << 16;

    private Chunks() {
    }

    /** Number of chunks of {@code unitsPerChunk} units covering {@code units}; at least 1. */
    static int count(int units, int unitsPerChunk) {
        return Math.max(1, (int) (((long) units + unitsPerChunk - 1) / unitsPerChunk));
    }

    /** Calls {@code body.accept(c)} for every chunk c in [0, chunks), in parallel when there are several. */
    static void run(ForkJoinPool pool, int chunks, IntConsumer body) {
        if (chunks == 1 || pool.getParallelism() == 1) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        pool.invoke(new Range(0, chunks, body));
    }

    private static final class Range extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int lo;
        private final int hi;
        private final transient IntConsumer body;

        Range(int lo, int hi, IntConsumer body) {
            this.lo = lo;
            this.hi = hi;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.accept(lo);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(lo, mid, body), new Range(mid, hi, body));
        }
    }
}
