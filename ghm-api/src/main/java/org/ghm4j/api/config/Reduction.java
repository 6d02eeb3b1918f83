package org.ghm4j.api.config;

/**
 * How per-element losses are combined (GHM-1.9). With beta the harmonizing weights, l the
 * element losses and tot the loss's normalizer:
 * <ul>
 *   <li>{@link #MEAN}: lossWeight * sum_i beta_i * l_i / tot (the default);</li>
 *   <li>{@link #SUM}: lossWeight * sum_i beta_i * l_i;</li>
 *   <li>{@link #NONE}: the per-element values lossWeight * beta_i * l_i; the scalar loss is their
 *       sum and the gradient is that of the sum.</li>
 * </ul>
 */
public enum Reduction {
    MEAN,
    SUM,
    NONE
}
