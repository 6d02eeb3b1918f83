package org.ghm4j.api.error;

/** Implemented by every exception ghm4j throws: the stable id is also the message prefix. */
public interface GhmError {
    /** The stable id of this error (GHM-6.5). */
    ErrorId errorId();
}
