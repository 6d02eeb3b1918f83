package org.ghm4j.backend.nd4j;

import java.util.Set;
import java.util.concurrent.ForkJoinPool;

import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;

/**
 * The ND4J backend: GHM-C, categorical GHM-C, GHM-R and the standalone estimator on INDArray data
 * ({@link Nd4jTensor}), in float32 or float64, without copying native inputs to the Java heap.
 *
 * <p>The kernels read and write the INDArrays' native buffers directly (NIO views of ND4J's
 * off-heap memory), fusing validation, g, binning, counting and the per-bin loss sums into one pass
 * and the weighting into a second: ND4J's own ops would need a dozen full passes per call and its
 * histogram ops bin differently at the edges (GHM-1.2). Work is split into fixed chunks of 64k
 * elements on this backend's pool and combined in chunk order, so results are bit-identical for
 * any thread count (GHM-7.5). Other tensor kinds (heap, direct) are copied into reused native
 * scratch arrays. Losses and estimators are thread-safe; {@link #close()} stops the pool.
 */
public final class Nd4jBackend implements GhmBackend {
    static final Set<Capability> CAPABILITIES = Set.of(Capability.FLOAT64, Capability.PROBABILITY_INPUT,
            Capability.NATIVE_MEMORY, Capability.CATEGORICAL, Capability.DETERMINISTIC);

    private final ForkJoinPool pool;

    /** A backend with {@code options.effectiveThreads()} kernel threads. */
    public Nd4jBackend(org.ghm4j.api.BackendOptions options) {
        this(options.effectiveThreads());
    }

    /** @param threads worker threads of the kernels, >= 1 */
    public Nd4jBackend(int threads) {
        this.pool = new ForkJoinPool(Math.max(1, threads), p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("ghm-nd4j-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    @Override
    public String name() {
        return Nd4jBackendProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public HarmonizedLoss loss(LossConfig config) {
        java.util.Objects.requireNonNull(config, "config");
        if (config instanceof GhmcConfig c) {
            return new Nd4jElementwiseLoss(pool, c);
        }
        if (config instanceof GhmrConfig r) {
            return new Nd4jElementwiseLoss(pool, r);
        }
        return new Nd4jCategoricalLoss(pool, (CategoricalConfig) config);
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return new Nd4jEstimator(pool, java.util.Objects.requireNonNull(config, "config"));
    }

    /** Number of kernel threads. */
    public int threads() {
        return pool.getParallelism();
    }

    @Override
    public void close() {
        pool.shutdown();
    }

    @Override
    public String toString() {
        return "Nd4jBackend[threads=" + pool.getParallelism() + "]";
    }
}
