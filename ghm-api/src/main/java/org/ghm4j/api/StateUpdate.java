package org.ghm4j.api;

/** Whether a call moves the EMA state. */
public enum StateUpdate {
    /** The normal training call: the state is updated (GHM-1.5). */
    COMMIT,
    /**
     * Computes exactly what {@link #COMMIT} would return, without moving the state: for scoring
     * or evaluating, and for frameworks that ask for the score and the gradient separately.
     */
    PREVIEW
}
