package org.ghm4j.api.config;

/** How the gradient density is accumulated and turned into weights. */
public enum DensityMode {
    /**
     * GHM-1.5/1.6 (mmdetection): only non-empty bins are updated, S_k = a*S_k + (1-a)*R_k;
     * beta_i = tot / S_bin(i) / n with n the number of non-empty bins.
     */
    HARMONIZED,
    /**
     * GHM-1.7 (the tf.keras seed): every bin is updated each call (empty bins decay); the
     * density of an element is S_bin(i); no tot and no division by n.
     */
    SEED
}
