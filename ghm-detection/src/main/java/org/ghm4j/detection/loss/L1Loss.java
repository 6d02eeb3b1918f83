package org.ghm4j.detection.loss;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * L1 on the deltas of positive anchors (mmdetection's {@code L1Loss}): l = |x - t|, dl/dx = sign(x - t)
 * (0 at x = t); the call's loss is lossWeight * sum of l / avgFactor (sum over images of max(positives, 1)).
 */
public final class L1Loss implements RegressionLoss {
    private final double lossWeight;

    public L1Loss(double lossWeight) {
        if (!Double.isFinite(lossWeight)) {
            throw new InvalidConfigException("lossWeight must be finite, got " + lossWeight);
        }
        this.lossWeight = lossWeight;
    }

    @Override
    public String name() {
        return "l1";
    }

    @Override
    public double compute(RegressionCall call, float[] grad) {
        double scale = lossWeight / call.avgFactor();
        double sum = 0;
        for (int i = 0; i < 4 * call.p(); i++) {
            double d = call.pred()[i] - call.target()[i];
            sum += Math.abs(d);
            grad[i] = (float) (scale * Math.signum(d));
        }
        return sum * scale;
    }
}
