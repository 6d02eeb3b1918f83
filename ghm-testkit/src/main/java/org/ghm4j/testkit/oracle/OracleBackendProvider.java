package org.ghm4j.testkit.oracle;

import java.util.Set;
import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;

/**
 * A provider for the {@link OracleBackend}, for running the kit against the oracle by name (e.g.
 * {@code ConformanceRunner.forProvider(new OracleBackendProvider())}). Deliberately not registered
 * in {@code META-INF/services}: the oracle is a reference, never a backend that selection (GHM-7.2)
 * should pick. Its priority is the lowest possible for the same reason.
 */
public final class OracleBackendProvider implements GhmBackendProvider {

    @Override
    public String name() {
        return OracleBackend.NAME;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Set<Capability> capabilities() {
        return new OracleBackend().capabilities();
    }

    @Override
    public String artifact() {
        return "org.ghm4j:ghm-testkit";
    }

    /** The oracle is single-threaded; {@code options} changes nothing. */
    @Override
    public GhmBackend create(BackendOptions options) {
        return new OracleBackend();
    }
}
