package org.ghm4j.backend.java;

import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.testkit.GhmBackendVerification;

/** The whole ghm-testkit (every rule of docs/spec.md and every vector) against the Java backend. */
class JavaBackendConformanceTest extends GhmBackendVerification {

    @Override
    protected GhmBackend createBackend() {
        return new JavaBackend();
    }

    @Override
    protected GhmBackend createBackend(BackendOptions options) {
        return new JavaBackend(options);
    }

    @Override
    protected GhmBackendProvider provider() {
        return new JavaBackendProvider();
    }
}
