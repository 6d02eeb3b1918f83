package org.ghm4j.cli.train;

/**
 * Binary cross-entropy on logits, per element, as mmdetection's {@code CrossEntropyLoss(use_sigmoid=True)}
 * in a RetinaNet head: with p = sigmoid(x),
 *
 * <pre>
 *   l(x, t) = softplus(x) - t x,   dl/dx = p - t,
 * </pre>
 *
 * summed with the label weights and divided by the number of positive elements (label >= 0.5 with a
 * nonzero weight, at least 1), the head's {@code avg_factor}.
 */
public class LossSigmoidBce extends WeightedElementLoss {
    private static final long serialVersionUID = 1L;

    public LossSigmoidBce() {
    }

    @Override
    protected double value(double x, double t) {
        return softplus(x) - t * x;
    }

    @Override
    protected double derivative(double x, double t) {
        return sigmoid(x) - t;
    }

    @Override
    protected double normalizer(double[] t, double[] w) {
        return positives(t, w);
    }

    @Override
    public String toString() {
        return "LossSigmoidBce()";
    }
}
