package org.ghm4j.testkit.example;

import org.ghm4j.api.GhmBackend;
import org.ghm4j.testkit.GhmBackendVerification;

/** Certifying a third-party backend through the public testkit API: this is all it takes. */
class SmallBackendConformanceTest extends GhmBackendVerification {

    @Override
    protected GhmBackend createBackend() {
        return new SmallBackend();
    }
}
