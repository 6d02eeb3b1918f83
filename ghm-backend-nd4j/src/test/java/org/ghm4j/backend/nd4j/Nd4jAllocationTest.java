package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A steady-state call (same shapes, a reused {@link LossOutput}, INDArray inputs) allocates nothing on
 * the calling thread or the backend's pool threads, counted with {@code ThreadMXBean.getThreadAllocatedBytes}
 * (which, unlike JMH's {@code gc.alloc.rate.norm}, leaves out the allocations of other threads).
 */
class Nd4jAllocationTest {

    @Test
    @DisplayName("a steady-state call allocates (nearly) nothing")
    void aSteadyStateCallAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LossConfig[] configs = {GhmcConfig.mmdetection(), GhmrConfig.retinanet(),
            CategoricalConfig.harmonizedCategorical(), CategoricalConfig.seedCategorical(),
            GhmcConfig.builder().reduction(Reduction.NONE).build(), GhmrConfig.builder().reduction(Reduction.SUM).build()};
        StringBuilder report = new StringBuilder();
        for (LossConfig config : configs) {
            // row weights, 20k rows: several 64k-element chunks, so the pool takes part
            LossInput in = Nd4jStateTest.batch(config, 20_000, config instanceof GhmrConfig ? 4 : 8, 5);
            try (Nd4jBackend b = new Nd4jBackend(2)) {
                HarmonizedLoss loss = b.loss(config);
                // the last two configs also write the weights (and GHM-C NONE the element losses)
                LossOutput out = config.reduction() != Reduction.MEAN ? new LossOutput().withWeights() : new LossOutput();
                for (int i = 0; i < 300; i++) {
                    loss.compute(in, out);
                }
                long[] ids = poolAndCaller(mx);
                // the best of up to 40 windows of 100 calls: a late JIT compilation can allocate a few KB once,
                // and the Vector API kernels allocate a vector object per operation until C2 has compiled them
                // (fused GHM-R's FloatVectorKernels.asl1 runs only for the rare blocks with an |x - t| in a
                // guard band, so it reaches C2 late: seen after about 700 calls)
                long perCall = Long.MAX_VALUE;
                for (int window = 0; window < 40 && perCall >= 64; window++) {
                    long before = allocated(mx, ids);
                    for (int i = 0; i < 100; i++) {
                        loss.compute(in, out);
                    }
                    perCall = Math.min(perCall, (allocated(mx, ids) - before) / 100);
                }
                report.append(config).append(' ').append(perCall).append(" B/call; ");
                assertTrue(perCall < 64, config + ": " + perCall + " bytes per call");
            }
        }
        System.out.println("Nd4jAllocationTest: " + report);
    }

    /** The calling thread and the helper threads of the backend's Workers, ForkJoinPool-N-worker-M (looked up once: the lookup allocates). */
    private static long[] poolAndCaller(com.sun.management.ThreadMXBean mx) {
        long self = Thread.currentThread().getId();
        return Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds()))
                .filter(i -> i != null && (i.getThreadId() == self || i.getThreadName().startsWith("ForkJoinPool-")))
                .mapToLong(ThreadInfo::getThreadId).toArray();
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, mx.getThreadAllocatedBytes(id));
        }
        return sum;
    }
}
