package org.ghm4j.detection.loss;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * Sigmoid focal loss (Lin et al.; mmdetection's {@code FocalLoss(use_sigmoid=True)}), the RetinaNet
 * baseline. Per element with p = sigmoid(x) and target t in {0, 1}:
 * <pre>
 *   pt = (1 - p) t + p (1 - t),   a_t = alpha t + (1 - alpha)(1 - t)
 *   l  = a_t pt^gamma BCE(x, t)
 *   dl/dx = a_t [ pt^gamma (p - t) + gamma pt^(gamma-1) (1 - 2t) p (1 - p) BCE(x, t) ]
 * </pre>
 * (the focal factor is differentiated too, as mmdetection's autograd does). The call's loss is
 * lossWeight * sum_i w_i l_i / avgFactor, with w the anchor's label weight (0 masks ignored and
 * invalid anchors) and avgFactor = sum over images of max(positives, 1) (mmdetection's
 * {@code avg_factor} with a PseudoSampler; mmdetection adds float32 eps to it, this class does not).
 * Under PER_LEVEL the per-level values add up to the same total as JOINT.
 */
public final class SigmoidFocalLoss extends ElementwiseClassificationLoss {
    private final double alpha;
    private final double gamma;

    /** @param alpha in [0, 1] (0.25), gamma >= 0 (2), lossWeight finite (1) */
    public SigmoidFocalLoss(double alpha, double gamma, double lossWeight) {
        super(lossWeight);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new InvalidConfigException("focal alpha must be in [0, 1], got " + alpha);
        }
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new InvalidConfigException("focal gamma must be finite and >= 0, got " + gamma);
        }
        this.alpha = alpha;
        this.gamma = gamma;
    }

    /** RetinaNet: alpha 0.25, gamma 2, loss weight 1. */
    public static SigmoidFocalLoss retinanet() {
        return new SigmoidFocalLoss(0.25, 2.0, 1.0);
    }

    @Override
    public String name() {
        return "focal";
    }

    @Override
    double normalizer(ClassificationCall call) {
        return call.avgFactor();
    }

    @Override
    double element(double x, double t, double[] dl) {
        double e = Math.exp(-Math.abs(x));
        double p = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        double bce = Math.max(x, 0) - x * t + Math.log1p(e);
        double pt = (1 - p) * t + p * (1 - t);
        double at = alpha * t + (1 - alpha) * (1 - t);
        double ptg;
        double ptg1;
        if (gamma == 2.0) {
            ptg1 = pt;
            ptg = pt * pt;
        } else {
            ptg = Math.pow(pt, gamma);
            ptg1 = pt > 0 ? Math.pow(pt, gamma - 1) : 0;
        }
        dl[0] = at * (ptg * (p - t) + gamma * ptg1 * (1 - 2 * t) * p * (1 - p) * bce);
        return at * ptg * bce;
    }
}
