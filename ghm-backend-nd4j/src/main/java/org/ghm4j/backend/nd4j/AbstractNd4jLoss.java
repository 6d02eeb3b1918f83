package org.ghm4j.backend.nd4j;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.EmaDensity;
import org.ghm4j.api.state.EmaBacked;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * What the ND4J losses share: the EMA state ({@link EmaDensity}, GHM-5), the widened float32 bin
 * edges, the workers and an idle {@link Scratch} memory of the loss's own kind {@code S} (taken by a
 * call and put back after it; a concurrent call that finds none makes its own, so concurrent calls
 * are safe (GHM-5.4) and steady-state calls allocate nothing).
 */
abstract class AbstractNd4jLoss<S extends Scratch> implements HarmonizedLoss, EmaBacked {
    /** Argument indices of the bad-input bookkeeping. */
    static final int PRED = 0;
    static final int TARGET = 1;
    static final int WEIGHT = 2;

    /** Output buffer factories for {@code LossOutput} (constants: a capturing lambda would allocate per call). */
    static final Function<int[], Tensor> FLOAT_BUFFERS = shape -> newBuffer(DType.FLOAT32, shape);
    static final Function<int[], Tensor> DOUBLE_BUFFERS = shape -> newBuffer(DType.FLOAT64, shape);

    final Workers workers;
    final EmaDensity density;
    final int bins;
    final double[] edges;
    private final AtomicReference<S> idle = new AtomicReference<>();

    AbstractNd4jLoss(Workers workers, LossConfig config) {
        this.workers = workers;
        this.density = new EmaDensity(config.estimatorConfig());
        this.bins = config.bins();
        this.edges = Kernels.edges(config.estimatorConfig().edges().toArray());
    }

    @Override
    public final double compute(LossInput input, LossOutput output, StateUpdate update) {
        S s = idle.getAndSet(null);
        if (s == null) {
            s = newScratch();
        }
        try {
            double loss = compute(input, output, update == StateUpdate.COMMIT, s);
            output.setLoss(loss);
            return loss;
        } finally {
            idle.set(s);
        }
    }

    /** A new per-call memory and context of this loss. */
    abstract S newScratch();

    abstract double compute(LossInput input, LossOutput output, boolean commit, S s);

    /** The output buffer factory for {@code dtype}. */
    static Function<int[], Tensor> buffers(DType dtype) {
        return dtype == DType.FLOAT64 ? DOUBLE_BUFFERS : FLOAT_BUFFERS;
    }

    /** A new native output buffer (outside any ND4J workspace) of the compute dtype, for {@code LossOutput}. */
    static Tensor newBuffer(DType dtype, int[] shape) {
        return Nd4jTensor.of(Scratch.allocate(dtype == DType.FLOAT64
                ? org.nd4j.linalg.api.buffer.DataType.DOUBLE : org.nd4j.linalg.api.buffer.DataType.FLOAT,
                Scratch.toLong(shape)));
    }

    @Override
    public EmaDensity density() {
        return density;
    }
}
