package org.ghm4j.core;

import java.util.Set;
import org.ghm4j.api.Availability;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackendProvider;

/**
 * What discovery found: a usable provider with its cheap facts, or a provider that failed to load
 * ({@link #provider()} null, {@link #failure()} set) and is skipped (GHM-7.3).
 *
 * @param name         the provider's name, or its class name when it failed to load
 * @param priority     higher wins (0 when failed)
 * @param capabilities declared capabilities (empty when failed)
 * @param artifact     Maven coordinates, when known
 * @param provider     the provider, or null
 * @param failure      why it failed to load, or null
 */
public record ProviderInfo(String name, int priority, Set<Capability> capabilities, String artifact,
                           GhmBackendProvider provider, String failure) {

    public boolean loaded() {
        return provider != null;
    }

    /** The provider's availability (may load native code, once, inside the provider). */
    public Availability availability() {
        if (provider == null) {
            return Availability.unavailable("failed to load: " + failure);
        }
        try {
            Availability a = provider.availability();
            return a != null ? a : Availability.unavailable("provider returned no availability");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("availability check threw " + e);
        }
    }

    /** {@code java (priority 10, available)} */
    public String summary() {
        if (provider == null) {
            return name + " (failed to load: " + failure + ")";
        }
        return name + " (priority " + priority + ", " + availability() + ")";
    }
}
