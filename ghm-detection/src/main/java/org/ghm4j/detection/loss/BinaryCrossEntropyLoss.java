package org.ghm4j.detection.loss;

/**
 * Plain sigmoid binary cross-entropy over anchors x classes, the unharmonized baseline: the call's
 * loss is lossWeight * sum_i w_i BCE(x_i, t_i) / tot with tot = max(number of elements with w > 0, 1)
 * (valid anchors x K, GHM-C's tot), and dL/dx_i = lossWeight * w_i (sigmoid(x_i) - t_i) / tot. With
 * 0/1 weights this is exactly GHM-C with one bin and momentum 0 (every beta is 1).
 */
public final class BinaryCrossEntropyLoss extends ElementwiseClassificationLoss {

    public BinaryCrossEntropyLoss(double lossWeight) {
        super(lossWeight);
    }

    @Override
    public String name() {
        return "bce";
    }

    @Override
    double normalizer(ClassificationCall call) {
        long valid = 0;
        for (int i = 0; i < call.n(); i++) {
            if (call.weights()[call.weightsOffset() + i] > 0) {
                valid++;
            }
        }
        return Math.max(valid * call.numClasses(), 1);
    }

    @Override
    double element(double x, double t, double[] dl) {
        double e = Math.exp(-Math.abs(x));
        dl[0] = (x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - t;
        return Math.max(x, 0) - x * t + Math.log1p(e);
    }
}
