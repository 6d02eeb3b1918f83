package org.ghm4j.testkit;

import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.testkit.oracle.OracleBackend;

/** The oracle passes its own kit: every required and optional rule, with nothing skipped but GHM-7.4's refusal check. */
class OracleBackendConformanceTest extends GhmBackendVerification {

    @Override
    protected GhmBackend createBackend() {
        return new OracleBackend();
    }

    @Override
    protected GhmBackend createBackend(BackendOptions options) {
        return new OracleBackend();
    }
}
