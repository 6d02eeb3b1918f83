package org.ghm4j.detection.loss;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * Smooth L1 on the deltas of positive anchors (mmdetection's {@code SmoothL1Loss}), the RetinaNet
 * regression baseline. With d = x - t:
 * <pre>
 *   l = 0.5 d^2 / beta       if |d| < beta,      dl/dd = d / beta
 *   l = |d| - 0.5 beta       otherwise,          dl/dd = sign(d)
 * </pre>
 * The call's loss is lossWeight * sum over the positives' 4 deltas of l / avgFactor (avgFactor = sum
 * over images of max(positives, 1), mmdetection's {@code avg_factor}).
 */
public final class SmoothL1Loss implements RegressionLoss {
    private final double beta;
    private final double lossWeight;

    /** @param beta > 0 (RetinaNet 0.11), lossWeight finite (1) */
    public SmoothL1Loss(double beta, double lossWeight) {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new InvalidConfigException("smooth L1 beta must be finite and > 0, got " + beta);
        }
        if (!Double.isFinite(lossWeight)) {
            throw new InvalidConfigException("lossWeight must be finite, got " + lossWeight);
        }
        this.beta = beta;
        this.lossWeight = lossWeight;
    }

    /** beta 0.11, loss weight 1. */
    public static SmoothL1Loss retinanet() {
        return new SmoothL1Loss(0.11, 1.0);
    }

    @Override
    public String name() {
        return "smooth_l1";
    }

    @Override
    public double compute(RegressionCall call, float[] grad) {
        double scale = lossWeight / call.avgFactor();
        double sum = 0;
        for (int i = 0; i < 4 * call.p(); i++) {
            double d = call.pred()[i] - call.target()[i];
            double a = Math.abs(d);
            if (a < beta) {
                sum += 0.5 * d * d / beta;
                grad[i] = (float) (scale * d / beta);
            } else {
                sum += a - 0.5 * beta;
                grad[i] = (float) (scale * Math.signum(d));
            }
        }
        return sum * scale;
    }
}
