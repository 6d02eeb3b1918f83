package org.ghm4j.api.config;

/** The two categorical (softmax) GHM-C variants of GHM-3. */
public enum CategoricalMode {
    /** GHM-3.3: reproduces the tf.keras seed, quirks included. */
    SEED,
    /** GHM-3.4: histogram over all class elements, weights per GHM-1.5/1.6 (recommended). */
    HARMONIZED
}
