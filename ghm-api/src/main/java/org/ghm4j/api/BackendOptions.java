package org.ghm4j.api;

import org.ghm4j.api.error.InvalidConfigException;

/**
 * Options for creating a backend.
 *
 * @param threads worker threads for the backend's kernels; 0 means one per available processor
 */
public record BackendOptions(int threads) {

    public BackendOptions {
        if (threads < 0) {
            throw new InvalidConfigException("threads must be >= 0 (0 = all processors), got " + threads);
        }
    }

    public static BackendOptions defaults() {
        return new BackendOptions(0);
    }

    public BackendOptions withThreads(int value) {
        return new BackendOptions(value);
    }

    /** The thread count to use: {@link #threads()} or the number of available processors when 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
