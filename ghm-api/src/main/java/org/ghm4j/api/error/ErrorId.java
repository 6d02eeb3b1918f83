package org.ghm4j.api.error;

/**
 * Stable identifiers of every error ghm4j raises (GHM-6.5). Each message starts with
 * {@code [ID]}; docs/errors.md explains each id and what to do about it.
 */
public enum ErrorId {
    /** A NaN or infinite number in an input array (GHM-6.1). */
    INPUT_NONFINITE("GHM-INPUT-NONFINITE"),
    /** A value outside its allowed range, e.g. a GHM-C target outside [0, 1] (GHM-6.3). */
    INPUT_RANGE("GHM-INPUT-RANGE"),
    /** Arrays whose shapes do not fit together (GHM-6.2). */
    INPUT_SHAPE("GHM-INPUT-SHAPE"),
    /** A configuration value outside its allowed range (GHM-6.4). */
    CONFIG_INVALID("GHM-CONFIG-INVALID"),
    /** A state snapshot restored into an instance with other settings (GHM-5.1). */
    STATE_MISMATCH("GHM-STATE-MISMATCH"),
    /** Serialized state bytes that cannot be read (GHM-5.2). */
    STATE_CORRUPT("GHM-STATE-CORRUPT"),
    /** A backend asked for by a name that no provider has (GHM-7.3). */
    BACKEND_UNKNOWN("GHM-BACKEND-UNKNOWN"),
    /** No backend provider on the class path (GHM-7.3). */
    BACKEND_NONE("GHM-BACKEND-NONE"),
    /** The chosen backend's provider says it cannot run here (GHM-7.1). */
    BACKEND_UNAVAILABLE("GHM-BACKEND-UNAVAILABLE"),
    /** A provider that failed to load or to create its backend (GHM-7.3). */
    BACKEND_FAILED("GHM-BACKEND-FAILED"),
    /** An operation that needs a capability the backend does not declare (GHM-7.4). */
    CAPABILITY_MISSING("GHM-CAPABILITY-MISSING"),
    /** Detection input that is not usable: boxes, labels, anchor counts (GHM-8.4). */
    DETECTION_INPUT("GHM-DETECTION-INPUT");

    private final String code;

    ErrorId(String code) {
        this.code = code;
    }

    /** The stable code, e.g. {@code GHM-INPUT-NONFINITE}. */
    public String code() {
        return code;
    }

    /** {@code "[CODE] " + detail}: the form every ghm4j message takes. */
    public String format(String detail) {
        return "[" + code + "] " + detail;
    }

    @Override
    public String toString() {
        return code;
    }
}
