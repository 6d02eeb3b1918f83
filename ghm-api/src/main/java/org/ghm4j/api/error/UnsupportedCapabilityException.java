package org.ghm4j.api.error;

/** A call that needs a capability (GHM-7.4) that the backend does not declare. */
public class UnsupportedCapabilityException extends IllegalStateException implements GhmError {
    private static final long serialVersionUID = 1L;

    public UnsupportedCapabilityException(String detail) {
        super(ErrorId.CAPABILITY_MISSING.format(detail));
    }

    @Override
    public ErrorId errorId() {
        return ErrorId.CAPABILITY_MISSING;
    }
}
