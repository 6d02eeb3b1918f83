package org.ghm4j.api.error;

/** A state snapshot that does not fit the instance, or serialized state that cannot be read (GHM-5). */
public class StateException extends IllegalArgumentException implements GhmError {
    private static final long serialVersionUID = 1L;
    private final ErrorId id;

    public StateException(ErrorId id, String detail) {
        super(id.format(detail));
        this.id = id;
    }

    @Override
    public ErrorId errorId() {
        return id;
    }
}
