package org.ghm4j.testkit.oracle;

import java.util.Objects;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.StateException;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.Histogram;
import org.ghm4j.api.state.HistogramSynchronizer;

/**
 * The oracle's own EMA state (GHM-1.5 to 1.8, GHM-5): M float64 numbers S and a step counter,
 * written independently of {@code org.ghm4j.api.state.EmaDensity}. One call = one
 * {@link #apply}: synchronize (R, tot) (GHM-5.5), compute S' with {@link OracleMath#nextState},
 * store it when committing (under the lock, so concurrent calls are atomic, GHM-5.4), and return
 * one value per bin: beta_k (HARMONIZED) or D_k = S'_k (SEED).
 */
final class OracleDensity {
    private final EstimatorConfig config;
    private final OracleMath math;
    private double[] s;
    private long steps;
    private volatile HistogramSynchronizer synchronizer;

    OracleDensity(EstimatorConfig config, OracleMath math) {
        this.config = config;
        this.math = math;
        this.s = new double[config.bins()];
    }

    EstimatorConfig config() {
        return config;
    }

    synchronized DensityState snapshot() {
        return new DensityState(config.bins(), config.momentum(), config.mode(), s, steps);
    }

    synchronized void restore(DensityState state) {
        Objects.requireNonNull(state, "state");
        if (state.bins() != config.bins() || Double.compare(state.momentum(), config.momentum()) != 0
                || state.mode() != config.mode()) {
            throw new StateException(ErrorId.STATE_MISMATCH, "cannot restore a snapshot of (bins=" + state.bins()
                    + ", momentum=" + state.momentum() + ", mode=" + state.mode() + ") into an oracle with (bins="
                    + config.bins() + ", momentum=" + config.momentum() + ", mode=" + config.mode() + ")");
        }
        s = state.accumulator();
        steps = state.steps();
    }

    synchronized void reset() {
        s = new double[config.bins()];
        steps = 0;
    }

    void synchronizer(HistogramSynchronizer value) {
        synchronizer = value;
    }

    /**
     * @param counts R of this call, length M. Not modified.
     * @param tot    tot of this call
     * @param commit whether S moves
     * @param stats  receives the (synchronized) R and tot
     * @return per bin: beta_k (HARMONIZED, 0 for empty bins) or D_k (SEED)
     */
    double[] apply(long[] counts, double tot, boolean commit, BinStats stats) {
        long[] r = counts.clone();
        double t = tot;
        HistogramSynchronizer sync = synchronizer;
        if (sync != null) {
            Histogram global = sync.synchronize(new Histogram(counts.clone(), tot));
            if (global == null || global.counts() == null || global.counts().length != r.length) {
                throw new StateException(ErrorId.STATE_CORRUPT, "synchronizer returned no histogram of "
                        + r.length + " counts");
            }
            r = global.counts().clone();
            t = global.tot();
        }
        stats.set(r, t);
        int n = 0;
        for (long c : r) {
            n += c > 0 ? 1 : 0;
        }
        double[] value = new double[r.length];
        synchronized (this) {
            double[] next = math.nextState(s, r, config.momentum(), config.mode());
            for (int k = 0; k < r.length; k++) {
                if (config.mode() == DensityMode.SEED) {
                    value[k] = next[k];
                } else {
                    value[k] = r[k] > 0 ? math.harmonizedWeight(t, next[k], n) : 0.0;
                }
            }
            boolean moves = config.mode() == DensityMode.SEED || n > 0;
            if (commit && moves) {
                if (config.mode() == DensityMode.SEED || config.momentum() > 0.0) {
                    s = next;
                }
                steps++;
            }
        }
        return value;
    }
}
