package org.ghm4j.backend.java;

import java.util.Set;
import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;

/** Registers the {@link JavaBackend} ("java", priority 10): always available. */
public final class JavaBackendProvider implements GhmBackendProvider {

    @Override
    public String name() {
        return JavaBackend.NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Set<Capability> capabilities() {
        return JavaBackend.CAPABILITIES;
    }

    @Override
    public String artifact() {
        return "org.ghm4j:ghm-backend-java";
    }

    @Override
    public GhmBackend create(BackendOptions options) {
        return new JavaBackend(options);
    }
}
