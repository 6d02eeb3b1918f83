package org.ghm4j.bench;

import java.util.Arrays;
import java.util.Locale;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;

/**
 * The plain (non-JMH) runner behind {@code ./ghm bench}: warms up, then times {@code repeat} forward
 * + backward calls (loss and gradient, caller-reused output) and reports the median.
 */
public final class BenchRunner {
    private BenchRunner() {
    }

    /** One measured case. */
    public record Result(String backend, String loss, long elements, int threads, double medianSeconds) {

        public double elementsPerSecond() {
            return elements / medianSeconds;
        }

        /** {@code bench backend=java loss=ghmc elements=8000000 threads=2 median_s=0.0400 elements_per_s=2.00e8} */
        public String line() {
            return String.format(Locale.ROOT, "bench backend=%s loss=%s elements=%d threads=%d median_s=%.4f elements_per_s=%.2e",
                    backend, loss, elements, threads, medianSeconds, elementsPerSecond());
        }
    }

    /** Warm-up rounds of one second: at least this many... */
    static final int MIN_WARMUP_ROUNDS = 3;
    /** ...and at most this many. */
    static final int MAX_WARMUP_ROUNDS = 12;

    /**
     * Times {@code workload} on {@code backend}, with the inputs in the backend's own memory
     * ({@link GhmBackend#adopt}, e.g. INDArrays for ND4J): untimed calls until the JIT has settled, then
     * {@code repeat} timed ones. Settled: at least {@code warmup} calls and {@link #MIN_WARMUP_ROUNDS}
     * rounds of one second, then until a round's median call is no more than 2% faster than the best
     * round before it (at most {@link #MAX_WARMUP_ROUNDS} rounds). On a 2-core machine C2 needs several
     * seconds for the vector kernels while the benchmark keeps both cores busy.
     */
    public static Result run(GhmBackend backend, int threads, Workload workload, int elements, int warmup, int repeat) {
        LossInput heap = workload.batch(elements, 42L);
        LossInput input = LossInput.of(backend.adopt(heap.pred()), backend.adopt(heap.target()),
                backend.adopt(heap.labelWeight()));
        HarmonizedLoss loss = backend.loss(workload.config());
        LossOutput output = new LossOutput();
        double best = Double.POSITIVE_INFINITY;
        int calls = 0;
        for (int round = 0; round < MAX_WARMUP_ROUNDS; round++) {
            double[] times = new double[64];
            int n = 0;
            long end = System.nanoTime() + 1_000_000_000L;
            for (long now = System.nanoTime(); now < end || n == 0; ) {
                loss.compute(input, output);
                long after = System.nanoTime();
                if (n == times.length) {
                    times = Arrays.copyOf(times, 2 * n);
                }
                times[n++] = after - now;
                now = after;
            }
            calls += n;
            Arrays.sort(times, 0, n);
            double median = times[n / 2];
            boolean settled = round + 1 >= MIN_WARMUP_ROUNDS && calls >= warmup && median >= 0.98 * best;
            best = Math.min(best, median);
            if (settled) {
                break;
            }
        }
        double[] seconds = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            loss.compute(input, output);
            seconds[i] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(seconds);
        double median = repeat % 2 == 1 ? seconds[repeat / 2] : 0.5 * (seconds[repeat / 2 - 1] + seconds[repeat / 2]);
        return new Result(backend.name(), workload.id(), input.pred().length(), threads, median);
    }
}
