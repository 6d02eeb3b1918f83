package org.ghm4j.api.state;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.StateException;

/**
 * An immutable snapshot of the EMA state of GHM-5.1: the M accumulated densities S (float64),
 * the number of committed calls, and the settings it belongs to (bins, momentum, mode).
 * {@link #toBytes()} and {@link #fromBytes(byte[])} round-trip bit-exactly (GHM-5.2).
 */
public final class DensityState {
    private static final int MAGIC = 0x47484D53; // "GHMS"
    private static final int VERSION = 1;

    private final int bins;
    private final double momentum;
    private final DensityMode mode;
    private final double[] accumulator;
    private final long steps;

    /** @param accumulator S, length {@code bins}, finite and >= 0 (copied) */
    public DensityState(int bins, double momentum, DensityMode mode, double[] accumulator, long steps) {
        if (accumulator.length != bins) {
            throw new StateException(ErrorId.STATE_CORRUPT,
                    "state has " + accumulator.length + " accumulator values for " + bins + " bins");
        }
        for (int k = 0; k < bins; k++) {
            if (!(accumulator[k] >= 0.0) || Double.isInfinite(accumulator[k])) {
                throw new StateException(ErrorId.STATE_CORRUPT,
                        "state accumulator[" + k + "] must be finite and >= 0, got " + accumulator[k]);
            }
        }
        if (steps < 0) {
            throw new StateException(ErrorId.STATE_CORRUPT, "state steps must be >= 0, got " + steps);
        }
        this.bins = bins;
        this.momentum = momentum;
        this.mode = mode;
        this.accumulator = accumulator.clone();
        this.steps = steps;
    }

    /** The zero state of {@code config}. */
    public static DensityState initial(EstimatorConfig config) {
        return new DensityState(config.bins(), config.momentum(), config.mode(), new double[config.bins()], 0);
    }

    public int bins() {
        return bins;
    }

    public double momentum() {
        return momentum;
    }

    public DensityMode mode() {
        return mode;
    }

    /** S_k (a copy). */
    public double[] accumulator() {
        return accumulator.clone();
    }

    /** S_k. */
    public double accumulator(int k) {
        return accumulator[k];
    }

    /** Number of committed calls since creation or reset. */
    public long steps() {
        return steps;
    }

    /** True when this snapshot belongs to an instance with {@code config}'s bins, momentum and mode. */
    public boolean fits(EstimatorConfig config) {
        return config.bins() == bins && Double.compare(config.momentum(), momentum) == 0 && config.mode() == mode;
    }

    /** Refuses (GHM-STATE-MISMATCH) unless {@link #fits(EstimatorConfig)}. */
    public void requireFits(EstimatorConfig config) {
        if (!fits(config)) {
            throw new StateException(ErrorId.STATE_MISMATCH, "cannot restore a snapshot of (bins=" + bins
                    + ", momentum=" + momentum + ", mode=" + mode + ") into an instance with (bins=" + config.bins()
                    + ", momentum=" + config.momentum() + ", mode=" + config.mode() + ")");
        }
    }

    /** A portable binary form: magic, version, bins, momentum bits, mode, steps, S bits (big-endian). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 4 + 8 + 4 + 8 + 8 * bins);
        b.putInt(MAGIC).putInt(VERSION).putInt(bins).putLong(Double.doubleToRawLongBits(momentum))
                .putInt(mode.ordinal()).putLong(steps);
        for (double s : accumulator) {
            b.putLong(Double.doubleToRawLongBits(s));
        }
        return b.array();
    }

    /** Reads {@link #toBytes()}; refuses anything else with GHM-STATE-CORRUPT. */
    public static DensityState fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 32) {
            throw new StateException(ErrorId.STATE_CORRUPT, "serialized state is "
                    + (bytes == null ? "null" : bytes.length + " bytes, shorter than its 32-byte header"));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt();
        int version = b.getInt();
        if (magic != MAGIC || version != VERSION) {
            throw new StateException(ErrorId.STATE_CORRUPT, "not a ghm4j state (magic " + Integer.toHexString(magic)
                    + ", version " + version + "; expected " + Integer.toHexString(MAGIC) + ", " + VERSION + ")");
        }
        int bins = b.getInt();
        double momentum = Double.longBitsToDouble(b.getLong());
        int modeIndex = b.getInt();
        long steps = b.getLong();
        if (bins < 1 || bins > 1000 || modeIndex < 0 || modeIndex >= DensityMode.values().length
                || bytes.length != 32 + 8L * bins) {
            throw new StateException(ErrorId.STATE_CORRUPT, "serialized state header is inconsistent (bins " + bins
                    + ", mode " + modeIndex + ", " + bytes.length + " bytes)");
        }
        double[] s = new double[bins];
        for (int k = 0; k < bins; k++) {
            s[k] = Double.longBitsToDouble(b.getLong());
        }
        return new DensityState(bins, momentum, DensityMode.values()[modeIndex], s, steps);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DensityState other && bins == other.bins
                && Double.compare(momentum, other.momentum) == 0 && mode == other.mode && steps == other.steps
                && Arrays.equals(accumulator, other.accumulator);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(accumulator) + Long.hashCode(steps);
    }

    /** Compact: {@code DensityState[HARMONIZED M=30 a=0.75 steps=2 S={12:0.25, 23:0.25}]} (non-zero bins only). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DensityState[").append(mode).append(" M=").append(bins)
                .append(" a=").append(momentum).append(" steps=").append(steps).append(" S={");
        boolean first = true;
        for (int k = 0; k < bins; k++) {
            if (accumulator[k] != 0.0) {
                sb.append(first ? "" : ", ").append(k).append(':').append(String.format("%.4g", accumulator[k]));
                first = false;
            }
        }
        return sb.append("}]").toString();
    }
}
