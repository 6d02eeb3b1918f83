package org.ghm4j.core;

import java.util.Objects;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.LossConfig;

/**
 * The plain entry point (no Guice needed):
 * <pre>{@code
 * HarmonizedLoss ghmc = Ghm.loss(GhmcConfig.mmdetection());      // selected backend
 * GhmBackend nd4j = Ghm.backend("nd4j");                          // by name
 * }</pre>
 * The default registry is built on first use from the thread context class loader (never in a
 * static initializer), so a missing or broken backend surfaces as a {@code BackendException} from
 * the call that needed it.
 */
public final class Ghm {
    private static volatile GhmBackends registry;

    private Ghm() {
    }

    /** The default registry: ServiceLoader over the context class loader, settings from -D and the environment. */
    public static GhmBackends registry() {
        GhmBackends r = registry;
        if (r == null) {
            synchronized (Ghm.class) {
                r = registry;
                if (r == null) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    r = GhmBackends.fromClassPath(cl != null ? cl : Ghm.class.getClassLoader());
                    registry = r;
                }
            }
        }
        return r;
    }

    /** The selected backend (GHM-7.2): -Dghm.backend, else GHM_BACKEND, else the highest priority available. */
    public static GhmBackend backend() {
        return registry().backend();
    }

    /** The backend named {@code name}, shared. */
    public static GhmBackend backend(String name) {
        return registry().backend(Objects.requireNonNull(name, "name"), BackendOptions.defaults());
    }

    /** The backend named {@code name} (null: the selected one) with {@code options}, shared. */
    public static GhmBackend backend(String name, BackendOptions options) {
        return registry().backend(name, options);
    }

    /** A new loss on the selected backend, e.g. {@code Ghm.loss(GhmrConfig.retinanet())}. */
    public static HarmonizedLoss loss(LossConfig config) {
        return backend().loss(config);
    }

    /** A new standalone estimator on the selected backend. */
    public static GradientDensityEstimator estimator(EstimatorConfig config) {
        return backend().estimator(config);
    }

    /** The library version, from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = Ghm.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
