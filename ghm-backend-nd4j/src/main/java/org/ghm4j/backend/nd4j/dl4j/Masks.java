package org.ghm4j.backend.nd4j.dl4j;

import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.backend.nd4j.Nd4jTensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DL4J masks as GHM label weights. */
final class Masks {
    private Masks() {
    }

    static int[] shape(INDArray a) {
        long[] s = a.shape();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = (int) s[i];
        }
        return r;
    }

    /**
     * GHM-C and GHM-R: a per-example mask ([N, 1] or [N]) becomes row weights [N], a per-output mask
     * (the labels' shape) element weights; any other shape is refused (GHM-INPUT-SHAPE).
     */
    static LossInput elementwise(INDArray labels, INDArray pred, INDArray mask) {
        Nd4jTensor p = GhmLossFunction.tensor(pred);
        Nd4jTensor t = GhmLossFunction.tensor(labels);
        if (mask == null) {
            return LossInput.of(p, t);
        }
        long rows = pred.size(0);
        if (perExample(mask, rows)) {
            return LossInput.of(p, t, GhmLossFunction.tensor(mask.reshape(rows)));
        }
        if (java.util.Arrays.equals(mask.shape(), pred.shape())) {
            return LossInput.of(p, t, GhmLossFunction.tensor(mask));
        }
        throw InputErrors.shape("mask", shape(mask), "preOutput", shape(pred),
                "a DL4J mask must be per example [N, 1] or per output (the labels' shape)");
    }

    /**
     * Categorical: the row mask [N]. A per-output mask is accepted when it is constant along each row
     * (then it is a per-example mask written out); otherwise refused, since a softmax row is one
     * distribution and cannot be masked class by class.
     */
    static LossInput rows(INDArray labels, INDArray pred, INDArray mask) {
        Nd4jTensor p = GhmLossFunction.tensor(pred);
        Nd4jTensor t = GhmLossFunction.tensor(labels);
        if (mask == null) {
            return LossInput.of(p, t);
        }
        long rows = pred.size(0);
        if (perExample(mask, rows)) {
            return LossInput.of(p, t, GhmLossFunction.tensor(mask.reshape(rows)));
        }
        if (java.util.Arrays.equals(mask.shape(), pred.shape())) {
            INDArray first = mask.getColumn(0, true);
            if (mask.eq(first.broadcast(mask.shape())).castTo(org.nd4j.linalg.api.buffer.DataType.INT).minNumber().intValue() == 1) {
                return LossInput.of(p, t, GhmLossFunction.tensor(first.reshape(rows).dup()));
            }
        }
        throw InputErrors.shape("mask", shape(mask), "preOutput", shape(pred),
                "categorical GHM-C takes a per-example mask [N, 1] (or a per-output mask constant along each row)");
    }

    private static boolean perExample(INDArray mask, long rows) {
        long[] s = mask.shape();
        return s.length == 1 && s[0] == rows || s.length == 2 && s[0] == rows && s[1] == 1;
    }
}
