package org.ghm4j.testkit;

import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.testkit.oracle.OracleBackend;
import org.ghm4j.testkit.oracle.OracleBackendProvider;

/** The oracle passes its own kit: every required and optional rule, with nothing skipped but GHM-7.4's refusal check. */
class OracleBackendConformanceTest extends GhmBackendVerification {

    @Override
    protected GhmBackend createBackend() {
        return new OracleBackend();
    }

    @Override
    protected GhmBackend createBackend(BackendOptions options) {
        return new OracleBackendProvider().create(options);
    }

    @Override
    protected GhmBackendProvider provider() {
        return new OracleBackendProvider();
    }
}
