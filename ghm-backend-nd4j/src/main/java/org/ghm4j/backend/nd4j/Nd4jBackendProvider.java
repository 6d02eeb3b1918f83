package org.ghm4j.backend.nd4j;

import java.util.Set;

import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.error.BackendException;
import org.ghm4j.api.error.ErrorId;

/**
 * Registers the ND4J backend ({@value #NAME}, priority 20) with {@code ServiceLoader} (GHM-7.1).
 *
 * <p>Constructing the provider and asking its name, priority, capabilities or artifact touches no
 * ND4J class: ND4J loads its native library from static initializers, which fail with
 * {@code UnsatisfiedLinkError} or {@code ExceptionInInitializerError} on a platform without
 * natives. {@link #availability()} does that once, lazily (holder idiom), and turns any failure
 * into a reason such as {@code "no ND4J natives for linux-riscv64: ..."}.
 */
public final class Nd4jBackendProvider implements GhmBackendProvider {
    /** The backend's key. */
    public static final String NAME = "nd4j";
    /** Preferred over the pure-Java backend (10) when both are available. */
    public static final int PRIORITY = 20;
    /** The Maven coordinates that bring this provider. */
    public static final String ARTIFACT = "org.ghm4j:ghm-backend-nd4j";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability availability() {
        return Probe.RESULT;
    }

    @Override
    public Set<Capability> capabilities() {
        return Nd4jBackend.CAPABILITIES;
    }

    @Override
    public String artifact() {
        return ARTIFACT;
    }

    @Override
    public GhmBackend create(BackendOptions options) {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new BackendException(ErrorId.BACKEND_UNAVAILABLE, "backend '" + NAME + "' cannot run here: "
                    + a.reason() + ". Use another backend (e.g. add org.ghm4j:ghm-backend-java) or a platform with ND4J natives.");
        }
        return new Nd4jBackend(options == null ? BackendOptions.defaults() : options);
    }

    @Override
    public String toString() {
        return "Nd4jBackendProvider[" + NAME + ", priority " + PRIORITY + "]";
    }

    /** Loads ND4J (and its natives) on first use of {@code RESULT}, once per class loader. */
    private static final class Probe {
        static final Availability RESULT = probe();

        private static Availability probe() {
            String platform = System.getProperty("os.name", "?").toLowerCase(java.util.Locale.ROOT).replace(' ', '-')
                    + "-" + System.getProperty("os.arch", "?");
            try {
                NativeCheck.run();
                return Availability.ok();
            } catch (Throwable t) {
                Throwable root = t;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return Availability.unavailable("no ND4J natives for " + platform + ": " + t.getClass().getSimpleName()
                        + (root != t ? " caused by " + root.getClass().getSimpleName() : "") + ": " + root.getMessage());
            }
        }
    }
}
