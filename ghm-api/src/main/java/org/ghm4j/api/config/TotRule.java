package org.ghm4j.api.config;

/** How tot, the normalizer of GHM-1.6 and of {@link Reduction#MEAN}, is computed. */
public enum TotRule {
    /** tot = max(number of valid elements, 1) (GHM-2.3). */
    VALID_COUNT,
    /** tot = max(sum of the label weights, 1) (GHM-4.3). */
    WEIGHT_SUM
}
