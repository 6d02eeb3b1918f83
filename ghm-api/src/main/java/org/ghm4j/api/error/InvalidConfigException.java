package org.ghm4j.api.error;

/** A setting outside its range, refused when the configuration is built (GHM-6.4). */
public class InvalidConfigException extends IllegalArgumentException implements GhmError {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String detail) {
        super(ErrorId.CONFIG_INVALID.format(detail));
    }

    @Override
    public ErrorId errorId() {
        return ErrorId.CONFIG_INVALID;
    }
}
