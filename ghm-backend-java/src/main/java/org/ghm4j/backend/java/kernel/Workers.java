package org.ghm4j.backend.java.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs chunks 0..n-1 on {@code threads} threads: the caller plus {@code threads - 1} workers of a
 * private ForkJoinPool, each claiming the next chunk until none is left. Chunks are fixed by the
 * data's shape, never by the thread count, and every chunk writes only its own result slots, so
 * results combined in chunk order are identical for any thread count (GHM-7.5).
 */
public final class Workers implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    public Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    public int threads() {
        return threads;
    }

    public void run(int chunks, ChunkBody body) {
        int helpers = Math.min(threads, chunks) - 1;
        if (helpers <= 0) {
            for (int c = 0; c < chunks; c++) {
                body.run(c);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                body.run(c);
            }
        };
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            tasks[h] = pool.submit(drain);
        }
        drain.run();
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
