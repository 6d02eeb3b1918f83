package org.ghm4j.detection.loss;

import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.FloatArrayTensor;

/**
 * GHM-C over anchors x classes (GHM-8.1) through a backend's {@link HarmonizedLoss}: pred = the
 * logits [n, K], target = the one-hot rows of the labels (all zeros for background), label weight =
 * the anchor's weight [n], broadcast over the K classes by the backend (D-6). So tot = valid anchors
 * x K and the loss is exactly mmdetection's GHMC on the flattened head output.
 *
 * <p>The one-hot target lives in a reusable buffer that is all zeros between calls (only the
 * positives' ones are written and cleared again), so a call costs no full-size fill.
 */
public final class GhmClassificationLoss implements ClassificationLoss {
    private final HarmonizedLoss loss;
    private final LossOutput output = new LossOutput();
    private float[] oneHot = new float[0];

    /** A new GHM-C loss (with its own state) from {@code backend}; the config must take logits. */
    public GhmClassificationLoss(GhmBackend backend, GhmcConfig config) {
        if (config.input() != InputKind.LOGITS) {
            throw new InvalidConfigException("detection GHM-C takes logits, got input " + config.input());
        }
        this.loss = backend.loss(config);
    }

    /** The backend loss (its state, synchronizer hook, config). */
    public HarmonizedLoss harmonizedLoss() {
        return loss;
    }

    @Override
    public String name() {
        return "ghmc";
    }

    @Override
    public double compute(ClassificationCall call, float[] grad, int gradOffset) {
        int n = call.n();
        int k = call.numClasses();
        int size = n * k;
        if (oneHot.length < size) {
            oneHot = new float[size];
        }
        int[] labels = call.labels();
        int lo = call.labelsOffset();
        for (int i = 0; i < n; i++) {
            int c = labels[lo + i];
            if (c < k) {
                oneHot[i * k + c] = 1f;
            }
        }
        try {
            LossInput input = LossInput.of(new FloatArrayTensor(call.logits(), call.logitsOffset(), n, k),
                    new FloatArrayTensor(oneHot, 0, n, k), new FloatArrayTensor(call.weights(), call.weightsOffset(), n));
            output.gradientInto(new FloatArrayTensor(grad, gradOffset, n, k));
            return loss.compute(input, output);
        } finally {
            for (int i = 0; i < n; i++) {
                int c = labels[lo + i];
                if (c < k) {
                    oneHot[i * k + c] = 0f;
                }
            }
        }
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
        return copy(output.stats());
    }

    static BinStats copy(BinStats s) {
        BinStats c = new BinStats();
        c.set(s.counts(), s.tot());
        return c;
    }
}
