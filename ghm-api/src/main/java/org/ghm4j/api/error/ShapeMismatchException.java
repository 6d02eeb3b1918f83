package org.ghm4j.api.error;

/** Arrays whose shapes do not fit together; the message names both arguments and shapes (GHM-6.2). */
public class ShapeMismatchException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public ShapeMismatchException(String detail) {
        super(ErrorId.INPUT_SHAPE, detail);
    }
}
