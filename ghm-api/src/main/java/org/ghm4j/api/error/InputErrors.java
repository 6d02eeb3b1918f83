package org.ghm4j.api.error;

import org.ghm4j.api.tensor.Shapes;

/**
 * The one place that words input errors (GHM-6.1 to 6.3), so every backend reports the argument,
 * the first bad index (multi-index and flat) and the value in the same form.
 */
public final class InputErrors {
    private InputErrors() {
    }

    /** {@code [GHM-INPUT-NONFINITE] pred[1, 2] (flat index 5 of shape [3, 4]) is NaN; ...} */
    public static InvalidInputException nonFinite(String argument, int[] shape, int flatIndex, double value) {
        return new InvalidInputException(ErrorId.INPUT_NONFINITE, at(argument, shape, flatIndex) + " is " + value
                + "; every element must be finite (GHM-6.1)");
    }

    /** {@code [GHM-INPUT-RANGE] target[0, 3] (flat index 3 of shape [2, 4]) is 1.5, outside [0, 1] (GHM-6.3)} */
    public static InvalidInputException outOfRange(String argument, int[] shape, int flatIndex, double value,
                                                   String allowed, String rule) {
        return new InvalidInputException(ErrorId.INPUT_RANGE, at(argument, shape, flatIndex) + " is " + value
                + ", outside " + allowed + " (" + rule + ")");
    }

    /** {@code [GHM-INPUT-SHAPE] target has shape [3, 4] but pred has shape [3, 5]; <requirement>} */
    public static ShapeMismatchException shape(String argument, int[] shape, String other, int[] otherShape,
                                               String requirement) {
        return new ShapeMismatchException(argument + " has shape " + Shapes.format(shape) + " but " + other
                + " has shape " + Shapes.format(otherShape) + "; " + requirement);
    }

    private static String at(String argument, int[] shape, int flatIndex) {
        return argument + Shapes.indexOf(flatIndex, shape) + " (flat index " + flatIndex + " of shape "
                + Shapes.format(shape) + ")";
    }
}
