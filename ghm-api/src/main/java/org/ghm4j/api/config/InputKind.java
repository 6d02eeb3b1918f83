package org.ghm4j.api.config;

/**
 * What a classification loss's {@code pred} holds. {@link #PROBABILITIES} needs the backend
 * capability {@code PROBABILITY_INPUT} (GHM-2.7, GHM-3.1); the gradient is then with respect to
 * the probabilities, which are clipped to [1e-7, 1 - 1e-7] inside the log.
 */
public enum InputKind {
    LOGITS,
    PROBABILITIES
}
