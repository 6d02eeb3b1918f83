package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.ghm4j.backend.java.kernel.Workers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkersTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void everyChunkRunsExactlyOncePerCall(int threads) {
        try (Workers workers = new Workers(threads)) {
            for (int call = 0; call < 2000; call++) {
                int n = call % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(n, 1));
                workers.run(n, runs::incrementAndGet);
                for (int c = 0; c < n; c++) {
                    assertEquals(1, runs.get(c), "call " + call + " chunk " + c + " of " + n);
                }
            }
        }
    }

    @Test
    void theHelpersReallyRunChunks() {
        // two chunks that can only both finish when two threads run them at the same time
        try (Workers workers = new Workers(2)) {
            for (int call = 0; call < 50; call++) {
                java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
                java.util.concurrent.atomic.AtomicInteger met = new java.util.concurrent.atomic.AtomicInteger();
                workers.run(2, c -> {
                    both.countDown();
                    try {
                        if (both.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                            met.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertEquals(2, met.get(), "call " + call + ": the two chunks did not run at the same time");
            }
        }
    }

    @Test
    void aChunkExceptionReachesTheCallerAfterTheOtherChunksAndTheNextCallWorks() {
        try (Workers workers = new Workers(2)) {
            IllegalStateException boom = new IllegalStateException("chunk 5");
            AtomicIntegerArray runs = new AtomicIntegerArray(20);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> workers.run(20, c -> {
                runs.incrementAndGet(c);
                if (c == 5) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            for (int c = 0; c < 20; c++) {
                assertEquals(1, runs.get(c), "chunk " + c);
            }
            AtomicIntegerArray again = new AtomicIntegerArray(20);
            workers.run(20, again::incrementAndGet);
            for (int c = 0; c < 20; c++) {
                assertEquals(1, again.get(c), "next call, chunk " + c);
            }
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirChunks() throws Exception {
        try (Workers workers = new Workers(2)) {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    results.add(callers.submit(() -> {
                        for (int call = 0; call < 500; call++) {
                            AtomicIntegerArray runs = new AtomicIntegerArray(17);
                            workers.run(17, runs::incrementAndGet);
                            for (int c = 0; c < 17; c++) {
                                if (runs.get(c) != 1) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertTrue(r.get());
                }
            } finally {
                callers.shutdown();
            }
        }
    }

    @Test
    void aCallAllocatesNothingOnTheCallingThread() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Workers workers = new Workers(2)) {
            long[] sink = new long[64];
            org.ghm4j.backend.java.kernel.ChunkBody body = c -> sink[c]++;
            for (int call = 0; call < 20_000; call++) {
                workers.run(64, body);
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 10_000; call++) {
                workers.run(64, body);
            }
            long perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 10_000;
            assertEquals(0, perCall, "bytes per call on the caller: " + perCall);
            assertEquals(30_000, sink[0]);
        }
    }
}
