package org.ghm4j.backend.java.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs chunks 0..n-1 on the calling thread plus {@code threads - 1} helpers of a private ForkJoinPool, each
 * claiming the next chunk until none is left. Chunks are fixed by the data's shape, never by the thread
 * count, and every chunk writes only its own result slots, so results combined in chunk order are identical
 * for any thread count (GHM-7.5).
 *
 * <p>Nothing is allocated per call: the helper tasks are reused, and a call is published as one {@code
 * (generation, chunk count, next chunk)} word that helpers claim chunks from by compare-and-set, so a late
 * helper can only ever claim a chunk of the call in progress. Helpers are never joined; the caller waits
 * for the count of finished chunks (spinning briefly, then parked), so it never returns while a chunk of
 * its call still runs; an exception of a chunk is rethrown to the caller. One call uses the helpers at a
 * time; a concurrent second call runs its chunks on its own thread.
 */
public final class Workers implements AutoCloseable {
    private static final int SPINS = 1 << 12;
    private static final int COUNT_BITS = 20;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** Calls with more chunks than this run on the calling thread (the loss kernels make at most ~2^15). */
    static final int MAX_CHUNKS = (int) COUNT_MASK;

    private final int threads;
    private final ForkJoinPool pool;
    private final Helper[] helpers;
    private final ReentrantLock busy = new ReentrantLock();
    /**
     * The call in progress as one word: generation (high 24 bits), its chunk count (20 bits) and the
     * next unclaimed chunk (low 20 bits), so a claim is checked against the count of its own call.
     */
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile ChunkBody body;
    private volatile Thread caller;
    /** The first exception a chunk threw in the current call (rethrown by the caller). */
    private volatile Throwable failure;

    public Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
        this.helpers = new Helper[threads - 1];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper();
        }
    }

    public int threads() {
        return threads;
    }

    public void run(int n, ChunkBody work) {
        if (helpers.length == 0 || n <= 1 || n > MAX_CHUNKS || !busy.tryLock()) {
            for (int c = 0; c < n; c++) {
                work.run(c);
            }
            return;
        }
        try {
            body = work;
            caller = Thread.currentThread();
            failure = null;
            finished.set(0);
            long generation = (state.get() >>> (2 * COUNT_BITS)) + 1;
            state.set(generation << (2 * COUNT_BITS) | (long) n << COUNT_BITS);
            for (int h = 0, wanted = Math.min(helpers.length, n - 1); h < wanted; h++) {
                Helper helper = helpers[h];
                if (!helper.submitted || helper.isDone()) {
                    if (helper.submitted) {
                        helper.reinitialize();
                    }
                    helper.submitted = true;
                    pool.execute(helper);
                }
                // else: still queued or running; it claims chunks of this call when it gets to them
            }
            drain();
            for (int spin = 0; finished.get() < n; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        } finally {
            body = null;
            caller = null;
            busy.unlock();
        }
    }

    /** Claims and runs chunks of the current call until none is left. */
    private void drain() {
        for (;;) {
            long st = state.get();
            int next = (int) (st & COUNT_MASK);
            int n = (int) ((st >>> COUNT_BITS) & COUNT_MASK);
            if (next >= n) {
                return;
            }
            if (state.compareAndSet(st, st + 1)) {
                // the claim succeeded, so the call of st still had an unclaimed chunk: it cannot have
                // finished, the caller has not started the next one, and body is this call's body
                try {
                    body.run(next);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
                if (finished.incrementAndGet() == n) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** A reusable pool task: drains whatever call is in progress when it runs. */
    private final class Helper extends ForkJoinTask<Void> {
        private static final long serialVersionUID = 1L;
        /** False until the first submission (a task never forked does not count as done). */
        boolean submitted;

        @Override
        public Void getRawResult() {
            return null;
        }

        @Override
        protected void setRawResult(Void value) {
        }

        @Override
        protected boolean exec() {
            drain();
            return true;
        }
    }
}
