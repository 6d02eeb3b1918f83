package org.ghm4j.testkit.oracle;

import java.util.Arrays;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.tensor.Tensor;

/**
 * The oracle's GHM-6 checks: every argument is read in full, in float64, before anything else
 * happens, and the first bad element of the first bad argument is reported with
 * {@link InputErrors} (argument, index, value).
 */
final class OracleInputs {
    private OracleInputs() {
    }

    /**
     * Reads {@code t} into a new double[], refusing non-finite values (GHM-6.1) and values outside
     * [lo, hi] (GHM-6.3, D-7, D-9); pass infinite bounds for no range check.
     */
    static double[] read(String argument, Tensor t, double lo, double hi, String allowed, String rule) {
        double[] v = new double[t.length()];
        t.copyTo(v, 0);
        int[] shape = t.shape();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw InputErrors.nonFinite(argument, shape, i, v[i]);
            }
            if (v[i] < lo || v[i] > hi) {
                throw InputErrors.outOfRange(argument, shape, i, v[i], allowed, rule);
            }
        }
        return v;
    }

    /** Every element finite, no range. */
    static double[] readFinite(String argument, Tensor t) {
        return read(argument, t, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, "", "");
    }

    /** Label weights: finite and >= 0 (D-7). */
    static double[] readWeights(String argument, Tensor t) {
        return read(argument, t, 0.0, Double.POSITIVE_INFINITY, "[0, +inf)", "D-7");
    }

    /**
     * The label weight of every element of a tensor of {@code shape}: 1 when {@code w} is null,
     * {@code w[i]} when it has the shape, {@code w[i / rowLength]} when it has one value per row.
     */
    static double[] broadcast(double[] w, int[] wShape, int[] shape, int length) {
        double[] out = new double[length];
        if (w == null) {
            Arrays.fill(out, 1.0);
            return out;
        }
        if (Arrays.equals(wShape, shape)) {
            return w.clone();
        }
        int rowLength = shape[0] == 0 ? 0 : length / shape[0];
        for (int i = 0; i < length; i++) {
            out[i] = w[i / rowLength];
        }
        return out;
    }

    /** Checks a caller-supplied output against the shape it must have. */
    static void requireShape(String argument, Tensor t, String other, int[] shape) {
        if (t != null && !Arrays.equals(t.shape(), shape)) {
            throw InputErrors.shape(argument, t.shape(), other, shape, "they must be equal (GHM-6.2)");
        }
    }
}
