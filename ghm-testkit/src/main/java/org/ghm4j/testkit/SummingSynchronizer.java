package org.ghm4j.testkit;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ghm4j.api.state.Histogram;
import org.ghm4j.api.state.HistogramSynchronizer;

/**
 * An in-process all-reduce for GHM-5.5: W workers, each calling its loss in its own thread, each
 * with {@link #worker(int)} installed; every call waits for the other W - 1, then all get the sums
 * of R and tot. The timeout only keeps a backend that never calls its synchronizer from hanging the
 * run; it is not a timing assertion.
 */
final class SummingSynchronizer {
    private final Histogram[] slots;
    private final CyclicBarrier arrived;
    private final CyclicBarrier read;

    SummingSynchronizer(int workers) {
        slots = new Histogram[workers];
        arrived = new CyclicBarrier(workers);
        read = new CyclicBarrier(workers);
    }

    HistogramSynchronizer worker(int w) {
        return local -> {
            slots[w] = new Histogram(local.counts().clone(), local.tot());
            await(arrived);
            long[] sum = new long[local.counts().length];
            double tot = 0;
            for (Histogram h : slots) {
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += h.counts()[k];
                }
                tot += h.tot();
            }
            await(read);
            return new Histogram(sum, tot);
        };
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("GHM-5.5 interrupted while waiting for the other workers", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new AssertionError("GHM-5.5 the other workers never called their synchronizer (each loss call must "
                    + "call the installed HistogramSynchronizer exactly once)", e);
        }
    }
}
