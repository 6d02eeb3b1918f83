package org.ghm4j.core;

import java.util.Locale;
import org.ghm4j.api.error.BackendException;

/**
 * The diagnostics report behind {@code ./ghm doctor}: Java and OS, every provider found with its
 * priority, availability (and why not), capabilities and artifact, and the selected backend with the
 * source of the choice (or the error that selection gives).
 */
public final class GhmDiagnostics {
    private GhmDiagnostics() {
    }

    /** The report for the default registry ({@link Ghm#registry()}). */
    public static String describe() {
        return describe(Ghm.registry());
    }

    public static String describe(GhmBackends registry) {
        StringBuilder sb = new StringBuilder();
        sb.append("ghm4j ").append(Ghm.version()).append('\n');
        sb.append(String.format(Locale.ROOT, "java: %s (%s), os: %s %s, processors: %d%n",
                System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors()));
        sb.append(String.format(Locale.ROOT, "settings: -D%s=%s, %s=%s%n", GhmBackends.PROPERTY,
                orUnset(System.getProperty(GhmBackends.PROPERTY)), GhmBackends.ENV, orUnset(System.getenv(GhmBackends.ENV))));
        sb.append("providers:\n");
        if (registry.providers().isEmpty()) {
            sb.append("  (none found)\n");
        }
        for (ProviderInfo p : registry.providers()) {
            if (!p.loaded()) {
                sb.append("  ").append(p.name()).append(": FAILED TO LOAD: ").append(p.failure()).append('\n');
                continue;
            }
            sb.append(String.format(Locale.ROOT, "  %-8s priority %-3d %s%n", p.name(), p.priority(), p.availability()));
            sb.append("           capabilities: ").append(p.capabilities().isEmpty() ? "(none)" : p.capabilities())
                    .append(", artifact: ").append(p.artifact()).append('\n');
        }
        try {
            sb.append("selected: ").append(registry.select()).append('\n');
        } catch (BackendException e) {
            sb.append("selected: none: ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String orUnset(String v) {
        return v == null || v.isBlank() ? "(unset)" : v;
    }
}
