package org.ghm4j.cli.train;

import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Smooth L1 loss on box deltas, as mmdetection's {@code SmoothL1Loss} in RetinaNet: with d = |x - t|,
 *
 * <pre>
 *   l(x, t) = 0.5 d^2 / beta   if d < beta,   d - 0.5 beta   otherwise,
 *   dl/dx   = (x - t) / beta   if d < beta,   sign(x - t)    otherwise,
 * </pre>
 *
 * summed with the box weights (the mask: 1 on the 4 deltas of a positive anchor) and divided by the
 * number of positive anchors = (number of nonzero weights) / {@code coordinates}, at least 1
 * (mmdetection's {@code avg_factor}). Defaults beta 0.11 (RetinaNet), 4 coordinates per anchor.
 */
public class LossSmoothL1 extends WeightedElementLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("beta")
    private double beta;
    @JsonProperty("coordinates")
    private int coordinates;

    /** RetinaNet: beta 0.11, 4 deltas per anchor. */
    public LossSmoothL1() {
        this(0.11, 4);
    }

    public LossSmoothL1(double beta, int coordinates) {
        if (!(beta > 0) || !Double.isFinite(beta) || coordinates < 1) {
            throw new IllegalArgumentException("smooth L1 needs finite beta > 0 and coordinates >= 1, got "
                    + beta + ", " + coordinates);
        }
        this.beta = beta;
        this.coordinates = coordinates;
    }

    @Override
    protected double value(double x, double t) {
        double d = Math.abs(x - t);
        return d < beta ? 0.5 * d * d / beta : d - 0.5 * beta;
    }

    @Override
    protected double derivative(double x, double t) {
        double diff = x - t;
        return Math.abs(diff) < beta ? diff / beta : Math.signum(diff);
    }

    @Override
    protected double normalizer(double[] t, double[] w) {
        long n = 0;
        for (double v : w) {
            if (v != 0) {
                n++;
            }
        }
        return Math.max(1.0, (double) n / coordinates);
    }

    @Override
    public String toString() {
        return "LossSmoothL1(beta=" + beta + ", coordinates=" + coordinates + ")";
    }
}
