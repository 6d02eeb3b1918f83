package org.ghm4j.detection.loss;

import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.DoubleArrayTensor;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;

/**
 * GHM-R over the 4 deltas of the positive anchors (GHM-8.2) through a backend's
 * {@link HarmonizedLoss}. Only positives are passed (all with weight 1), which is the same as passing
 * every anchor with its box weight: tot = 4P, and the non-positives would be invalid elements. When
 * the backend declares {@link Capability#FLOAT64} the call runs in float64 (the float32 deltas
 * widened exactly, the targets unrounded), else in float32.
 */
public final class GhmRegressionLoss implements RegressionLoss {
    private final HarmonizedLoss loss;
    private final boolean float64;
    private final LossOutput output = new LossOutput();

    public GhmRegressionLoss(GhmBackend backend, GhmrConfig config) {
        this.loss = backend.loss(config);
        this.float64 = backend.has(Capability.FLOAT64);
    }

    public HarmonizedLoss harmonizedLoss() {
        return loss;
    }

    @Override
    public String name() {
        return "ghmr";
    }

    @Override
    public double compute(RegressionCall call, float[] grad) {
        int p = call.p();
        int size = 4 * p;
        Tensor pred;
        Tensor target;
        Tensor gradient;
        if (float64) {
            double[] x = new double[size];
            for (int i = 0; i < size; i++) {
                x[i] = call.pred()[i];
            }
            pred = new DoubleArrayTensor(x, 0, p, 4);
            target = new DoubleArrayTensor(call.target(), 0, p, 4);
            gradient = new DoubleArrayTensor(new double[size], 0, p, 4);
        } else {
            float[] t = new float[size];
            for (int i = 0; i < size; i++) {
                t[i] = (float) call.target()[i];
            }
            pred = new FloatArrayTensor(call.pred(), 0, p, 4);
            target = new FloatArrayTensor(t, 0, p, 4);
            gradient = new FloatArrayTensor(grad, 0, p, 4);
        }
        output.gradientInto(gradient);
        double value = loss.compute(LossInput.of(pred, target), output);
        if (float64) {
            for (int i = 0; i < size; i++) {
                grad[i] = (float) gradient.getDouble(i);
            }
        }
        return value;
    }

    @Override
    public DensityState snapshotState() {
        return loss.snapshot();
    }

    @Override
    public void restoreState(DensityState state) {
        loss.restore(state);
    }

    @Override
    public BinStats lastStats() {
        return GhmClassificationLoss.copy(output.stats());
    }
}
