package org.ghm4j.core;

/**
 * The outcome of backend selection: which provider, and where the choice came from.
 *
 * @param provider the chosen provider (loaded and available)
 * @param source   where the choice came from (GHM-7.2)
 */
public record Selection(ProviderInfo provider, SelectionSource source) {

    /** {@code java (from system property ghm.backend)} */
    @Override
    public String toString() {
        return provider.name() + " (from " + source.description() + ")";
    }
}
