package org.ghm4j.backend.nd4j.bench;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.backend.nd4j.Nd4jBackend;
import org.ghm4j.backend.nd4j.Nd4jTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of GHM-C forward + backward (loss and gradient into a reused output) on INDArray input,
 * 100k anchors x 80 classes (8M elements) by default, printed in ghm-bench's line format, not
 * asserted. With 1 thread the kernels run on the calling thread, so its CPU time (also printed) is
 * the work per call even on a loaded machine. Run from the test classpath:
 * {@code java -cp <test classpath> org.ghm4j.backend.nd4j.bench.Nd4jThroughput [anchors] [classes] [threads]}.
 */
public final class Nd4jThroughput {
    private Nd4jThroughput() {
    }

    public static void main(String[] args) {
        int anchors = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int classes = args.length > 1 ? Integer.parseInt(args[1]) : 80;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        System.out.println(measure(anchors, classes, threads, 20));
    }

    /** Runs warm-up and timed calls; returns a one-line summary with the best and median rates. */
    public static String measure(int anchors, int classes, int threads, int calls) {
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.FLOAT, anchors, classes).muli(3);
        INDArray t = Nd4j.rand(DataType.FLOAT, anchors, classes).gt(0.99).castTo(DataType.FLOAT);
        INDArray w = Nd4j.ones(DataType.FLOAT, anchors);
        try (Nd4jBackend backend = new Nd4jBackend(threads)) {
            HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
            LossInput input = LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w));
            LossOutput out = new LossOutput();
            for (int i = 0; i < 10; i++) {
                loss.compute(input, out);
            }
            long[] ns = new long[calls];
            long[] cpu = new long[calls];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = 0; i < calls; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                loss.compute(input, out);
                ns[i] = System.nanoTime() - t0;
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
            }
            java.util.Arrays.sort(cpu);
            java.util.Arrays.sort(ns);
            double n = (double) anchors * classes;
            double median = ns[calls / 2] * 1e-9;
            return String.format(java.util.Locale.ROOT,
                    "bench backend=nd4j loss=ghmc elements=%d threads=%d median_s=%.4f elements_per_s=%.2e best_s=%.4f"
                            + (threads == 1 ? " caller_cpu_median_s=%.4f" : ""),
                    (long) n, threads, median, n / median, ns[0] * 1e-9, cpu[calls / 2] * 1e-9);
        }
    }
}
