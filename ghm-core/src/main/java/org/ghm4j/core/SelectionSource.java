package org.ghm4j.core;

/** Where the choice of backend came from (GHM-7.2), in order of precedence. */
public enum SelectionSource {
    CODE("code"),
    SYSTEM_PROPERTY("system property " + GhmBackends.PROPERTY),
    ENVIRONMENT("environment variable " + GhmBackends.ENV),
    PRIORITY("highest priority available");

    private final String description;

    SelectionSource(String description) {
        this.description = description;
    }

    /** e.g. {@code system property ghm.backend} */
    public String description() {
        return description;
    }
}
