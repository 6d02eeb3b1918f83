package org.ghm4j.api;

/**
 * Whether a provider's backend can run here and, if not, why (GHM-7.1), e.g.
 * {@code Availability.unavailable("no ND4J natives for linux-arm64")} or {@code Availability.ok()}.
 */
public record Availability(boolean isAvailable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "");

    public Availability {
        reason = reason == null ? "" : reason;
    }

    public static Availability ok() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    @Override
    public String toString() {
        return isAvailable ? "available" : "unavailable: " + reason;
    }
}
