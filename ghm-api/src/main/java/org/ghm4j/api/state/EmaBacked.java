package org.ghm4j.api.state;

import org.ghm4j.api.DensityStateful;

/**
 * For backend implementors: a {@link DensityStateful} whose state is an {@link EmaDensity}, with
 * the GHM-5 operations delegated to it.
 */
public interface EmaBacked extends DensityStateful {

    /** The EMA state this loss or estimator owns. */
    EmaDensity density();

    @Override
    default DensityState snapshot() {
        return density().snapshot();
    }

    @Override
    default void restore(DensityState state) {
        density().restore(state);
    }

    @Override
    default void reset() {
        density().reset();
    }

    @Override
    default void synchronizer(HistogramSynchronizer synchronizer) {
        density().synchronizer(synchronizer);
    }
}
