package org.ghm4j.api.error;

/**
 * Bad input data: a non-finite number or a value out of range (GHM-6.1, GHM-6.3).
 * The message names the argument, the first bad index and its value. A call that throws
 * this leaves every state as it was (GHM-5.3).
 */
public class InvalidInputException extends IllegalArgumentException implements GhmError {
    private static final long serialVersionUID = 1L;
    private final ErrorId id;

    public InvalidInputException(ErrorId id, String detail) {
        super(id.format(detail));
        this.id = id;
    }

    @Override
    public ErrorId errorId() {
        return id;
    }
}
