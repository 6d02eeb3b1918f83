package org.ghm4j.backend.nd4j;

import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.testkit.GhmBackendVerification;

/** The whole ghm-testkit (every rule of docs/spec.md and every vector) against the ND4J backend. */
class Nd4jBackendConformanceTest extends GhmBackendVerification {

    @Override
    protected GhmBackend createBackend() {
        return new Nd4jBackend(BackendOptions.defaults().effectiveThreads());
    }

    @Override
    protected GhmBackend createBackend(BackendOptions options) {
        return new Nd4jBackend(options.effectiveThreads());
    }

    @Override
    protected GhmBackendProvider provider() {
        return new Nd4jBackendProvider();
    }
}
