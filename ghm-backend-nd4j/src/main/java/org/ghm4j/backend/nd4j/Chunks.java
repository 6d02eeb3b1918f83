package org.ghm4j.backend.nd4j;

/**
 * The fixed chunks the kernels run over ({@code Workers.run}, the calling thread and the backend's
 * helper threads each claiming the next chunk). The chunk boundaries depend only on the
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
}
