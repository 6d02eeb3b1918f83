package org.ghm4j.api.state;

/**
 * One call's histogram as seen by a {@link HistogramSynchronizer}: R_k, the valid elements per bin
 * (length M), and tot (GHM-5.5). Both are integers in value, so workers can all-reduce them exactly.
 */
public record Histogram(long[] counts, double tot) {
}
