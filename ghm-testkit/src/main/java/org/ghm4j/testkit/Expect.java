package org.ghm4j.testkit;

import java.util.Arrays;
import org.ghm4j.api.tensor.Shapes;
import org.ghm4j.api.tensor.Tensor;

/**
 * Comparisons that fail with a message a backend author can act on: rule, case, step, field,
 * index, shape, expected, actual and tolerance, e.g.
 * {@code GHM-2.5 [case c04_7x3_m075, step 0] grad[3, 1] (flat 10 of shape [7, 3]): expected
 * -0.1234, actual 0.1234, allowed |a-e| <= 2.0e-06 (atol 8.0e-07 + rtol 1.0e-05 * |e|)}.
 * Public so that vector families of other modules word their failures the same way.
 */
public final class Expect {
    private final String rule;
    private final String where;

    private Expect(String rule, String where) {
        this.rule = rule;
        this.where = where;
    }

    /** Comparisons for {@code rule} (e.g. {@code "GHM-2.5"}). */
    public static Expect rule(String rule) {
        return new Expect(rule, "");
    }

    /** The same rule, in a vector case and step. */
    public Expect at(String caseName, int step) {
        return new Expect(rule, " [case " + caseName + ", step " + step + "]");
    }

    /** The same rule, with free context (e.g. {@code "seed 3, M=30"}). */
    public Expect at(String context) {
        return new Expect(rule, " [" + context + "]");
    }

    /** Another rule in the same context (case, step). */
    public Expect as(String otherRule) {
        return new Expect(otherRule, where);
    }

    public String prefix() {
        return rule + where;
    }

    /** Fails with {@code prefix: detail}. */
    public AssertionError fail(String detail) {
        return new AssertionError(prefix() + " " + detail);
    }

    public void isTrue(boolean condition, String detail) {
        if (!condition) {
            throw fail(detail);
        }
    }

    public void scalar(String field, double expected, double actual, double atol, double rtol) {
        if (!close(expected, actual, atol, rtol)) {
            throw fail(field + ": expected " + expected + ", actual " + actual + ", " + allowed(expected, atol, rtol));
        }
    }

    public void exact(String field, long expected, long actual) {
        if (expected != actual) {
            throw fail(field + ": expected exactly " + expected + ", actual " + actual);
        }
    }

    /** Element by element; the first element out of tolerance fails. */
    public void array(String field, int[] shape, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw fail(field + ": expected " + expected.length + " values (shape " + Shapes.format(shape) + "), actual "
                    + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], actual[i], atol, rtol)) {
                throw fail(field + Shapes.indexOf(i, shape) + " (flat " + i + " of shape " + Shapes.format(shape)
                        + "): expected " + expected[i] + ", actual " + actual[i] + ", " + allowed(expected[i], atol, rtol));
            }
        }
    }

    /** The gradient rule of GHM-9.3: atol = gradAtolOfMax * max|expected|, rtol = gradRtol. */
    public void gradient(String field, int[] shape, double[] expected, double[] actual, Tolerances tol) {
        double max = 0.0;
        for (double e : expected) {
            max = Math.max(max, Math.abs(e));
        }
        array(field, shape, expected, actual, tol.gradAtolOfMax() * max, tol.gradRtol());
    }

    /** Exactly equal integers (bins and counts, GHM-9.3). */
    public void counts(String field, long[] expected, long[] actual) {
        if (!Arrays.equals(expected, actual)) {
            int k = 0;
            while (k < Math.min(expected.length, actual.length) && expected[k] == actual[k]) {
                k++;
            }
            throw fail(field + ": first difference at bin " + k + " of " + expected.length + " (expected "
                    + (k < expected.length ? expected[k] : "none") + ", actual " + (k < actual.length ? actual[k] : "none")
                    + "); expected " + Arrays.toString(expected) + ", actual " + Arrays.toString(actual)
                    + " (counts are compared exactly)");
        }
    }

    /** Bit-identical doubles. */
    public void identical(String field, int[] shape, double[] expected, double[] actual) {
        for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                throw fail(field + Shapes.indexOf(i, shape) + " (flat " + i + " of shape " + Shapes.format(shape)
                        + "): expected bit-identical " + expected[i] + ", actual " + actual[i]);
            }
        }
        if (expected.length != actual.length) {
            throw fail(field + ": expected " + expected.length + " values, actual " + actual.length);
        }
    }

    /** The elements of a tensor as doubles; fails when the tensor is missing. */
    public double[] values(String field, Tensor t) {
        if (t == null) {
            throw fail(field + ": the backend returned no tensor");
        }
        double[] v = new double[t.length()];
        t.copyTo(v, 0);
        return v;
    }

    public static boolean close(double expected, double actual, double atol, double rtol) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return false;
        }
        if (expected == actual) {
            return true;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    private static String allowed(double expected, double atol, double rtol) {
        return String.format("allowed |a-e| <= %.2e (atol %.1e + rtol %.1e * |e|)", atol + rtol * Math.abs(expected),
                atol, rtol);
    }
}
