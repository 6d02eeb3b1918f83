package org.ghm4j.detection.loss;

import org.ghm4j.api.error.InputErrors;
import org.ghm4j.detection.Chunks;

/**
 * Shared driver of the plain-Java classification baselines: loops over anchors x classes in fixed
 * chunks of {@value #CHUNK} anchors on the common pool, sums each chunk in float64 and combines the
 * chunk sums in chunk order (results independent of the thread count). A non-finite logit stops the
 * call with the first bad index.
 */
abstract class ElementwiseClassificationLoss implements ClassificationLoss {
    static final int CHUNK = 4096;

    private final double lossWeight;

    ElementwiseClassificationLoss(double lossWeight) {
        if (!Double.isFinite(lossWeight)) {
            throw new org.ghm4j.api.error.InvalidConfigException("lossWeight must be finite, got " + lossWeight);
        }
        this.lossWeight = lossWeight;
    }

    public double lossWeight() {
        return lossWeight;
    }

    /** The divisor of this call's sum (tot or the avg factor). */
    abstract double normalizer(ClassificationCall call);

    /**
     * Element loss of logit x with target t; writes d l / d x into {@code dl[0]}.
     */
    abstract double element(double x, double t, double[] dl);

    @Override
    public double compute(ClassificationCall call, float[] grad, int gradOffset) {
        int n = call.n();
        int k = call.numClasses();
        float[] logits = call.logits();
        int xo = call.logitsOffset();
        int[] labels = call.labels();
        int lo = call.labelsOffset();
        float[] weights = call.weights();
        int wo = call.weightsOffset();
        double scale = lossWeight / normalizer(call);
        int chunks = Chunks.count(n, CHUNK);
        double[] sums = new double[chunks];
        int[] bad = new int[chunks];
        Chunks.run(chunks, c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            double sum = 0;
            double[] dl = new double[1];
            int firstBad = -1;
            for (int i = from; i < to; i++) {
                double w = weights[wo + i];
                int label = labels[lo + i];
                for (int j = 0; j < k; j++) {
                    int e = i * k + j;
                    double x = logits[xo + e];
                    if (!Double.isFinite(x)) {
                        if (firstBad < 0) {
                            firstBad = e;
                        }
                        continue;
                    }
                    if (w > 0) {
                        double l = element(x, label == j ? 1.0 : 0.0, dl);
                        sum += w * l;
                        grad[gradOffset + e] = (float) (scale * w * dl[0]);
                    } else {
                        grad[gradOffset + e] = 0f;
                    }
                }
            }
            sums[c] = sum;
            bad[c] = firstBad;
        });
        double total = 0;
        for (int c = 0; c < chunks; c++) {
            if (bad[c] >= 0) {
                int e = bad[c];
                throw InputErrors.nonFinite("logits", new int[] {n, k}, e, logits[xo + e]);
            }
            total += sums[c];
        }
        return total * scale;
    }
}
