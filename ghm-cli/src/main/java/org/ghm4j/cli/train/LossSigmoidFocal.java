package org.ghm4j.cli.train;

import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Sigmoid focal loss (Lin et al. 2017) on logits, as mmdetection's {@code FocalLoss} in RetinaNet:
 * with p = sigmoid(x), the target t in [0, 1], p_t = (1 - p) t + p (1 - t) and
 * a_t = alpha t + (1 - alpha)(1 - t),
 *
 * <pre>
 *   l(x, t)  = a_t p_t^gamma BCE(x, t),      BCE(x, t) = softplus(x) - t x,
 *   dl/dx    = a_t [gamma p_t^(gamma-1) (1 - 2t) p (1 - p) BCE(x, t) + p_t^gamma (p - t)],
 * </pre>
 *
 * summed with the label weights and divided by the number of positive elements (label >= 0.5 with a
 * nonzero weight, at least 1): mmdetection's {@code avg_factor} = number of positive anchors,
 * since each positive anchor has exactly one positive class. Defaults alpha 0.25, gamma 2.
 */
public class LossSigmoidFocal extends WeightedElementLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("alpha")
    private double alpha;
    @JsonProperty("gamma")
    private double gamma;

    /** RetinaNet's alpha 0.25, gamma 2. */
    public LossSigmoidFocal() {
        this(0.25, 2.0);
    }

    public LossSigmoidFocal(double alpha, double gamma) {
        if (!(alpha >= 0 && alpha <= 1) || !(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("focal loss needs alpha in [0, 1] and finite gamma >= 0, got "
                    + alpha + ", " + gamma);
        }
        this.alpha = alpha;
        this.gamma = gamma;
    }

    @Override
    protected double value(double x, double t) {
        double p = sigmoid(x);
        double pt = (1 - p) * t + p * (1 - t);
        double at = alpha * t + (1 - alpha) * (1 - t);
        return at * Math.pow(pt, gamma) * (softplus(x) - t * x);
    }

    @Override
    protected double derivative(double x, double t) {
        double p = sigmoid(x);
        double pt = (1 - p) * t + p * (1 - t);
        double at = alpha * t + (1 - alpha) * (1 - t);
        double bce = softplus(x) - t * x;
        double dpt = (1 - 2 * t) * p * (1 - p);
        double powG1 = gamma == 0 ? 0 : gamma * Math.pow(pt, gamma - 1);
        return at * (powG1 * dpt * bce + Math.pow(pt, gamma) * (p - t));
    }

    @Override
    protected double normalizer(double[] t, double[] w) {
        return positives(t, w);
    }

    @Override
    public String toString() {
        return "LossSigmoidFocal(alpha=" + alpha + ", gamma=" + gamma + ")";
    }
}
