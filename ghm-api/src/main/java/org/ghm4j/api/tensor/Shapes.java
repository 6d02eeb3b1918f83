package org.ghm4j.api.tensor;

import java.util.Arrays;
import org.ghm4j.api.error.InvalidConfigException;

/** Small helpers for shapes ({@code int[]}, row-major). */
public final class Shapes {
    private Shapes() {
    }

    /** Number of elements of {@code shape}; refuses negative dimensions and more than 2^31-1 elements. */
    public static int length(int... shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(
                        "[GHM-INPUT-SHAPE] shape " + Arrays.toString(shape) + " has negative dimension " + i);
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "[GHM-INPUT-SHAPE] shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** {@code [3, 4]} */
    public static String format(int... shape) {
        return Arrays.toString(shape);
    }

    /** Row-major multi-index of flat index {@code flat}, as {@code [i, j]}. */
    public static String indexOf(int flat, int... shape) {
        if (shape.length == 0) {
            return "[]";
        }
        int[] idx = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            int dim = Math.max(shape[d], 1);
            idx[d] = rest % dim;
            rest /= dim;
        }
        return Arrays.toString(idx);
    }

    static int[] checked(int[] shape) {
        if (shape == null) {
            throw new InvalidConfigException("shape must not be null");
        }
        length(shape);
        return shape.clone();
    }
}
