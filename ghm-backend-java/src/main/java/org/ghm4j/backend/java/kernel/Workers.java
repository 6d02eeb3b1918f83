package org.ghm4j.backend.java.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs chunks 0..n-1 on {@code threads} threads: the caller plus {@code threads - 1} workers of a
 * private ForkJoinPool, each claiming the next chunk until none is left. Chunks are fixed by the
 * data's shape, never by the thread count, and every chunk writes only its own result slots, so
 * results combined in chunk order are identical for any thread count (GHM-7.5). The task objects
 * are reused between calls, so a steady-state call allocates nothing.
 */
public final class Workers implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;
    private final AtomicReference<Job> idle = new AtomicReference<>();

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
        Job job = idle.getAndSet(null);
        if (job == null) {
            job = new Job(threads - 1);
        }
        try {
            job.run(pool, helpers, chunks, body);
        } finally {
            idle.set(job);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** One call's shared chunk counter and its reusable helper tasks. */
    private static final class Job {
        final AtomicInteger next = new AtomicInteger();
        final Helper[] helpers;
        int chunks;
        ChunkBody body;

        Job(int maxHelpers) {
            helpers = new Helper[maxHelpers];
            for (int h = 0; h < maxHelpers; h++) {
                helpers[h] = new Helper(this);
            }
        }

        void run(ForkJoinPool pool, int count, int n, ChunkBody b) {
            next.set(0);
            chunks = n;
            body = b;
            try {
                for (int h = 0; h < count; h++) {
                    helpers[h].reinitialize();
                    pool.execute(helpers[h]);
                }
                drain();
                for (int h = 0; h < count; h++) {
                    helpers[h].join();
                }
            } finally {
                body = null;
            }
        }

        void drain() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                body.run(c);
            }
        }
    }

    private static final class Helper extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient Job job;

        Helper(Job job) {
            this.job = job;
        }

        @Override
        protected void compute() {
            job.drain();
        }
    }
}
