package org.ghm4j.backend.java.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs chunks 0..n-1 on a private ForkJoinPool of {@code threads} workers, each claiming the next
 * chunk until none is left. Chunks are fixed by the data's shape, never by the thread count, and
 * every chunk writes only its own result slots, so results combined in chunk order are identical for
 * any thread count (GHM-7.5). The caller waits in {@code ForkJoinPool.invoke}; inside the pool the
 * helpers are forked and joined the canonical way (a join runs an unstolen task itself).
 */
public final class Workers implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    public Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
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
        pool.invoke(new Job(helpers, chunks, body));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** One call: forks {@code helpers} drains, drains itself, joins them. */
    private static final class Job extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger next = new AtomicInteger();
        private final int helpers;
        private final int chunks;
        private final transient ChunkBody body;

        Job(int helpers, int chunks, ChunkBody body) {
            this.helpers = helpers;
            this.chunks = chunks;
            this.body = body;
        }

        @Override
        protected void compute() {
            ForkJoinTask<?>[] forked = new ForkJoinTask<?>[helpers];
            for (int h = 0; h < helpers; h++) {
                forked[h] = ForkJoinTask.adapt(this::drain).fork();
            }
            drain();
            for (int h = helpers - 1; h >= 0; h--) {
                forked[h].join();
            }
        }

        private void drain() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                body.run(c);
            }
        }
    }
}
