package org.ghm4j.api.config;

import org.ghm4j.api.error.InvalidConfigException;

/** The GHM-6.4 checks shared by the configuration records. */
final class Validate {
    static final int MAX_BINS = 1000;

    private Validate() {
    }

    static void bins(int bins) {
        if (bins < 1 || bins > MAX_BINS) {
            throw new InvalidConfigException("bins must be in [1, " + MAX_BINS + "], got " + bins);
        }
    }

    static void momentum(double momentum) {
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new InvalidConfigException("momentum must be in [0, 1), got " + momentum);
        }
    }

    static void lossWeight(double lossWeight) {
        if (!Double.isFinite(lossWeight)) {
            throw new InvalidConfigException("lossWeight must be finite, got " + lossWeight);
        }
    }

    static void positive(String name, double value) {
        if (!(value > 0.0) || !Double.isFinite(value)) {
            throw new InvalidConfigException(name + " must be finite and > 0, got " + value);
        }
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new InvalidConfigException(name + " must not be null");
        }
        return value;
    }
}
