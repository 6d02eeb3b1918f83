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

    /**
     * Times {@code workload} on {@code backend}, with the inputs in the backend's own memory
     * ({@link GhmBackend#adopt}, e.g. INDArrays for ND4J): untimed calls until the JIT has settled (at least
     * {@code warmup} calls and at least 2 seconds), then {@code repeat} timed ones.
     */
    public static Result run(GhmBackend backend, int threads, Workload workload, int elements, int warmup, int repeat) {
        LossInput heap = workload.batch(elements, 42L);
        LossInput input = LossInput.of(backend.adopt(heap.pred()), backend.adopt(heap.target()),
                backend.adopt(heap.labelWeight()));
        HarmonizedLoss loss = backend.loss(workload.config());
        LossOutput output = new LossOutput();
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            loss.compute(input, output);
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
