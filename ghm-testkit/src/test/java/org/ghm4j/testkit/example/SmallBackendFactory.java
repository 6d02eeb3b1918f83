package org.ghm4j.testkit.example;

import org.ghm4j.api.GhmBackend;

/** Lets tests in other packages create the example backend. */
public final class SmallBackendFactory {
    private SmallBackendFactory() {
    }

    public static GhmBackend create() {
        return new SmallBackend();
    }
}
