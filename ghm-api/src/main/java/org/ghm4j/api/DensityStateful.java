package org.ghm4j.api;

import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.HistogramSynchronizer;

/** The EMA state operations of GHM-5, common to losses and estimators. */
public interface DensityStateful {

    /** An immutable copy of the state (GHM-5.1). */
    DensityState snapshot();

    /** Replaces the state; refuses a snapshot taken with other bins, momentum or mode (GHM-STATE-MISMATCH). */
    void restore(DensityState state);

    /** Back to the initial (zero) state. */
    void reset();

    /** Installs the data-parallel hook of GHM-5.5 ({@code null} = local). */
    void synchronizer(HistogramSynchronizer synchronizer);
}
