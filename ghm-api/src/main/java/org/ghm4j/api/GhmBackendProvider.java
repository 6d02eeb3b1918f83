package org.ghm4j.api;

import java.util.Set;

/**
 * The service a backend artifact registers in
 * {@code META-INF/services/org.ghm4j.api.GhmBackendProvider} (GHM-7.1). Discovery instantiates
 * providers and calls the cheap methods below; it must never load native code. Only
 * {@link #availability()} (lazily, once) and {@link #create(BackendOptions)} may do expensive work.
 */
public interface GhmBackendProvider {

    /** The backend's key, e.g. {@code "java"}: lower case, stable. */
    String name();

    /** Higher wins when no backend is named (GHM-7.2). */
    int priority();

    /** Whether the backend can run here; may load native code the first time it is asked. */
    Availability availability();

    /** What the backend can do (GHM-7.4). */
    Set<Capability> capabilities();

    /** The Maven coordinates that bring this provider, for messages ({@code org.ghm4j:ghm-backend-java}). */
    String artifact();

    /** Creates a backend; throws {@code BackendException} when it is unavailable. */
    GhmBackend create(BackendOptions options);
}
