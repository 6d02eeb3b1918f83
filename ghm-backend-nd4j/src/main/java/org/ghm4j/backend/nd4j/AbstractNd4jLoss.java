package org.ghm4j.backend.nd4j;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.EmaDensity;
import org.ghm4j.api.state.EmaBacked;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;

/**
 * What the ND4J losses share: the EMA state ({@link EmaDensity}, GHM-5), the widened float32 bin
 * edges, the pool and a queue of {@link Scratch} memories (one taken per concurrent call, returned
 * after it, so concurrent calls are safe (GHM-5.4) and steady-state calls allocate nothing).
 */
abstract class AbstractNd4jLoss implements HarmonizedLoss, EmaBacked {
    /** Argument indices of the bad-input bookkeeping. */
    static final int PRED = 0;
    static final int TARGET = 1;
    static final int WEIGHT = 2;

    final ForkJoinPool pool;
    final EmaDensity density;
    final int bins;
    final double[] edges;
    private final ConcurrentLinkedQueue<Scratch> scratches = new ConcurrentLinkedQueue<>();

    AbstractNd4jLoss(ForkJoinPool pool, LossConfig config) {
        this.pool = pool;
        this.density = new EmaDensity(config.estimatorConfig());
        this.bins = config.bins();
        this.edges = Kernels.edges(config.estimatorConfig().edges().toArray());
    }

    @Override
    public final double compute(LossInput input, LossOutput output, StateUpdate update) {
        Scratch s = scratches.poll();
        if (s == null) {
            s = new Scratch();
        }
        try {
            double loss = compute(input, output, update == StateUpdate.COMMIT, s);
            output.setLoss(loss);
            return loss;
        } finally {
            scratches.offer(s);
        }
    }

    abstract double compute(LossInput input, LossOutput output, boolean commit, Scratch s);

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
