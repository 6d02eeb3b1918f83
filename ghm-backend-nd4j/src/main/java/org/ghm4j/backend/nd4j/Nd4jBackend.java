package org.ghm4j.backend.nd4j;

import java.util.Set;

import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * The ND4J backend: GHM-C, categorical GHM-C, GHM-R and the standalone estimator on INDArray data
 * ({@link Nd4jTensor}), in float32 or float64, without copying native inputs to the Java heap.
 *
 * <p>The kernels read and write the INDArrays' native buffers directly (NIO views of ND4J's
 * off-heap memory), fusing validation, g, binning, counting and the per-bin loss sums into one pass
 * and the weighting into a second: ND4J's own ops would need a dozen full passes per call and its
 * histogram ops bin differently at the edges (GHM-1.2). Work is split into fixed chunks of 64k
 * elements, run by the calling thread and this backend's helper threads ({@link Workers}, which
 * allocates nothing per call), and combined in chunk order, so results are bit-identical for
 * any thread count (GHM-7.5). Other tensor kinds (heap, direct) are copied into reused native
 * scratch arrays. Losses and estimators are thread-safe; {@link #close()} stops the helper threads.
 */
public final class Nd4jBackend implements GhmBackend {
    static final Set<Capability> CAPABILITIES = Set.of(Capability.FLOAT64, Capability.PROBABILITY_INPUT,
            Capability.NATIVE_MEMORY, Capability.CATEGORICAL, Capability.DETERMINISTIC);

    private final Workers workers;

    /** A backend with {@code options.effectiveThreads()} kernel threads. */
    public Nd4jBackend(org.ghm4j.api.BackendOptions options) {
        this(options.effectiveThreads());
    }

    /** @param threads threads of the kernels (the calling thread and threads - 1 helpers); values below 1 mean 1 */
    public Nd4jBackend(int threads) {
        this.workers = new Workers(Math.max(1, threads));
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
            return new Nd4jElementwiseLoss(workers, c);
        }
        if (config instanceof GhmrConfig r) {
            return new Nd4jElementwiseLoss(workers, r);
        }
        return new Nd4jCategoricalLoss(workers, (CategoricalConfig) config);
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return new Nd4jEstimator(workers, java.util.Objects.requireNonNull(config, "config"));
    }

    /** An INDArray-backed copy of {@code source} (itself when it already is one): the form read in place. */
    @Override
    public org.ghm4j.api.tensor.Tensor adopt(org.ghm4j.api.tensor.Tensor source) {
        if (source instanceof Nd4jTensor) {
            return source;
        }
        long[] shape = java.util.Arrays.stream(source.shape()).asLongStream().toArray();
        if (source.dtype() == org.ghm4j.api.tensor.DType.FLOAT64) {
            double[] data = new double[source.length()];
            source.copyTo(data, 0);
            return Nd4jTensor.of(org.nd4j.linalg.factory.Nd4j.create(data, shape, 'c'));
        }
        float[] data = new float[source.length()];
        source.copyTo(data, 0);
        return Nd4jTensor.of(org.nd4j.linalg.factory.Nd4j.create(data, shape, 'c'));
    }

    /** Number of kernel threads. */
    public int threads() {
        return workers.threads();
    }

    @Override
    public void close() {
        workers.close();
    }

    @Override
    public String toString() {
        return "Nd4jBackend[threads=" + workers.threads() + "]";
    }
}
