package org.ghm4j.detection.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Comparisons of the detection vectors (README-det.md, "Tolerances"): |actual - expected| <= atol +
 * rtol * |expected|, failing with an {@link AssertionError} that names the rule, case, step, field,
 * index, expected, actual and tolerance.
 */
final class Check {
    private final String caseName;
    private int step;

    Check(String caseName) {
        this.caseName = caseName;
    }

    void step(int s) {
        step = s;
    }

    void exact(String field, long expected, long actual) {
        if (expected != actual) {
            fail(field, expected, actual, "exact");
        }
    }

    void exactFloat(String field, double expected, double actual) {
        if (Double.compare(expected, actual) != 0) {
            fail(field, expected, actual, "exact (mmdetection float32 arithmetic)");
        }
    }

    void close(String field, double expected, double actual, double atol, double rtol) {
        double bound = atol + rtol * Math.abs(expected);
        if (!(Math.abs(actual - expected) <= bound)) {
            fail(field, expected, actual, "atol " + atol + " + rtol " + rtol + " (bound " + bound + ", |diff| "
                    + Math.abs(actual - expected) + ")");
        }
    }

    void isTrue(String field, boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("[GHM-8/GHM-9] case " + caseName + ", step " + step + ", " + field + ": " + what);
        }
    }

    private void fail(String field, Object expected, Object actual, String tolerance) {
        throw new AssertionError("[GHM-8/GHM-9] case " + caseName + ", step " + step + ", " + field + ": expected "
                + expected + ", actual " + actual + ", tolerance " + tolerance);
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(array.get(i));
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(array.get(i));
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A JSON number or one of the strings "NaN", "Infinity", "-Infinity". */
    static double number(JsonNode n) {
        if (n.isTextual()) {
            return Double.parseDouble(n.asText());
        }
        return n.asDouble();
    }
}
