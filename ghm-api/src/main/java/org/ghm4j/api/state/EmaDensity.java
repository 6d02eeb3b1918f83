package org.ghm4j.api.state;

import java.util.Objects;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.StateException;

/**
 * The EMA state of GHM-1.5 to GHM-1.8 and GHM-5, shared by backends: a backend computes a call's
 * bin counts R (cheap, in its own memory), then calls {@link #apply} once, which runs the
 * synchronizer (GHM-5.5), updates S atomically (GHM-5.4) and returns one number per bin that
 * the backend broadcasts to the elements. Nothing here is per element, so it lives on the heap
 * whatever the backend.
 *
 * <p>Thread-safe. A call that fails before {@link #apply} leaves the state untouched (GHM-5.3).
 */
public final class EmaDensity {
    private final EstimatorConfig config;
    private final double momentum;
    private final double[] s;
    private long steps;
    private volatile HistogramSynchronizer synchronizer = HistogramSynchronizer.LOCAL;

    public EmaDensity(EstimatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.momentum = config.momentum();
        this.s = new double[config.bins()];
    }

    public EstimatorConfig config() {
        return config;
    }

    public void synchronizer(HistogramSynchronizer value) {
        synchronizer = value == null ? HistogramSynchronizer.LOCAL : value;
    }

    public synchronized DensityState snapshot() {
        return new DensityState(config.bins(), momentum, config.mode(), s, steps);
    }

    /** Replaces the state; refuses a snapshot of other settings (GHM-STATE-MISMATCH). */
    public synchronized void restore(DensityState state) {
        Objects.requireNonNull(state, "state");
        state.requireFits(config);
        for (int k = 0; k < s.length; k++) {
            s[k] = state.accumulator(k);
        }
        steps = state.steps();
    }

    public synchronized void reset() {
        java.util.Arrays.fill(s, 0.0);
        steps = 0;
    }

    /**
     * Applies one call. {@code counts} (R, length M) and {@code tot} are first passed through the
     * synchronizer and overwritten with its result; then, under the lock, the EMA is updated
     * (only when {@code commit}) and {@code binValue[k]} is set to:
     * <ul>
     *   <li>HARMONIZED: beta_k = tot / S'_k / n for bins with R_k > 0, 0 for the others, where
     *       S'_k = a*S_k + (1-a)*R_k (a > 0) or R_k (a = 0) and n = #{k : R_k > 0};</li>
     *   <li>SEED: the density D_k = S'_k = a*S_k + (1-a)*R_k for every bin.</li>
     * </ul>
     * With no valid element the harmonized state is unchanged (GHM-1.8).
     *
     * @param counts   R, length M; modified (replaced by the synchronized counts)
     * @param tot      this call's tot before the max(., 1) of GHM-2.3/4.3 (the valid count or the
     *                 weight sum), so that synchronized sums equal the whole batch's; clamped here
     * @param commit   false to compute the weights the call would give without moving the state
     * @param binValue output, length M
     * @param stats    output: R, tot, valid count and n of this call
     */
    public void apply(long[] counts, double tot, boolean commit, double[] binValue, BinStats stats) {
        double syncedTot = Math.max(synchronize(counts, tot), 1.0);
        stats.set(counts, syncedTot);
        int n = stats.nonEmptyBins();
        synchronized (this) {
            if (config.mode() == DensityMode.SEED) {
                for (int k = 0; k < s.length; k++) {
                    double next = momentum * s[k] + (1.0 - momentum) * counts[k];
                    binValue[k] = next;
                    if (commit) {
                        s[k] = next;
                    }
                }
                if (commit) {
                    steps++;
                }
                return;
            }
            for (int k = 0; k < s.length; k++) {
                if (counts[k] > 0) {
                    double next = momentum > 0 ? momentum * s[k] + (1.0 - momentum) * counts[k] : counts[k];
                    binValue[k] = syncedTot / next / n;
                    if (commit && momentum > 0) {
                        s[k] = next;
                    }
                } else {
                    binValue[k] = 0.0;
                }
            }
            if (commit && n > 0) {
                steps++;
            }
        }
    }

    private double synchronize(long[] counts, double tot) {
        HistogramSynchronizer sync = synchronizer;
        if (sync == HistogramSynchronizer.LOCAL) {
            return tot;
        }
        Histogram global = sync.synchronize(new Histogram(counts.clone(), tot));
        if (global == null || global.counts() == null || global.counts().length != counts.length
                || !(global.tot() >= 0) || Double.isInfinite(global.tot())) {
            throw new StateException(ErrorId.STATE_CORRUPT, "synchronizer returned "
                    + (global == null ? "null" : "counts of length "
                    + (global.counts() == null ? "null" : global.counts().length) + " and tot " + global.tot())
                    + "; expected " + counts.length + " counts and a finite tot >= 0");
        }
        for (int k = 0; k < counts.length; k++) {
            if (global.counts()[k] < 0) {
                throw new StateException(ErrorId.STATE_CORRUPT,
                        "synchronizer returned count[" + k + "] = " + global.counts()[k] + " < 0");
            }
            counts[k] = global.counts()[k];
        }
        return global.tot();
    }
}
