package org.ghm4j.api.state;

/**
 * The data-parallel hook of GHM-5.5: called once per loss call with this worker's counts R and tot,
 * before the EMA update; returns the values to use instead (typically the all-reduced sums over all
 * workers). With it, W workers on W shards produce the state and weights of one worker on the whole
 * batch. Must not return null; the returned counts must have the same length.
 */
@FunctionalInterface
public interface HistogramSynchronizer {

    Histogram synchronize(Histogram local);

    /** The identity: single-process training. */
    HistogramSynchronizer LOCAL = local -> local;
}
