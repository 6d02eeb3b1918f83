package org.ghm4j.api.error;

/** No usable backend: unknown name, none on the class path, unavailable, failed to load (GHM-7.3). */
public class BackendException extends IllegalStateException implements GhmError {
    private static final long serialVersionUID = 1L;
    private final ErrorId id;

    public BackendException(ErrorId id, String detail) {
        super(id.format(detail));
        this.id = id;
    }

    public BackendException(ErrorId id, String detail, Throwable cause) {
        super(id.format(detail), cause);
        this.id = id;
    }

    @Override
    public ErrorId errorId() {
        return id;
    }
}
