package org.ghm4j.backend.nd4j;

import java.util.ServiceLoader;

import org.ghm4j.api.GhmBackendProvider;

/**
 * Run in a child JVM by {@link Nd4jBackendProviderTest}: discovers the providers and asks the cheap
 * methods, then prints "cheap-done", and then (with argument "probe") asks for availability.
 */
public final class ProviderProbe {
    private ProviderProbe() {
    }

    public static void main(String[] args) {
        for (GhmBackendProvider p : ServiceLoader.load(GhmBackendProvider.class)) {
            System.out.println("provider " + p.name() + " " + p.priority() + " " + p.capabilities().size() + " " + p.artifact());
        }
        System.out.println("cheap-done");
        System.out.flush();
        if (args.length > 0 && args[0].equals("probe")) {
            for (GhmBackendProvider p : ServiceLoader.load(GhmBackendProvider.class)) {
                System.out.println("availability " + p.name() + " " + p.availability());
            }
        }
    }
}
