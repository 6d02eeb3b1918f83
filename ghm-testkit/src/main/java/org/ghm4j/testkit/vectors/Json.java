package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the vector schema (shared/conformance-vectors/README.md): nested arrays of numbers,
 * where non-finite numbers are the strings "NaN", "Infinity" and "-Infinity".
 */
public final class Json {
    private Json() {
    }

    /** A number, or one of the strings "NaN", "Infinity", "-Infinity". */
    public static double number(JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            return Double.parseDouble(n.textValue());
        }
        throw new IllegalArgumentException("not a number: " + n);
    }

    /** The shape of a nested array ({@code [[1,2],[3,4]]} is [2, 2]). */
    public static int[] shape(JsonNode n) {
        List<Integer> dims = new ArrayList<>();
        JsonNode cur = n;
        while (cur != null && cur.isArray()) {
            dims.add(cur.size());
            cur = cur.size() > 0 ? cur.get(0) : null;
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** All numbers of a nested array in row-major order. */
    public static double[] flat(JsonNode n) {
        List<Double> out = new ArrayList<>();
        collect(n, out);
        double[] a = new double[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    /** All numbers of a nested array, as float32 (vector inputs are float32 values). */
    public static float[] flatFloats(JsonNode n) {
        double[] d = flat(n);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    public static long[] longs(JsonNode n) {
        double[] d = flat(n);
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }

    /** True when any number below {@code n} is NaN or infinite. */
    public static boolean hasNonFinite(JsonNode n) {
        if (n == null) {
            return false;
        }
        if (n.isContainerNode()) {
            for (JsonNode c : n) {
                if (hasNonFinite(c)) {
                    return true;
                }
            }
            return false;
        }
        if (n.isTextual()) {
            String s = n.textValue();
            return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
        }
        return n.isNumber() && !Double.isFinite(n.doubleValue());
    }

    private static void collect(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                collect(c, out);
            }
        } else {
            out.add(number(n));
        }
    }
}
