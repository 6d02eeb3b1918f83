package org.ghm4j.core.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import java.util.ArrayList;
import java.util.Map;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.core.GhmBackends;

/**
 * Guice bindings for ghm4j (Guice is optional: the plain API is {@code org.ghm4j.core.Ghm}).
 * <ul>
 *   <li>{@code Map<String, GhmBackendProvider>}: a MapBinder; add entries with {@link #provider}. When
 *       it is empty, the providers come from ServiceLoader (scanned in a {@code @Provides} method, never
 *       in {@code configure()}).</li>
 *   <li>{@link GhmBackends}: the registry (singleton).</li>
 *   <li>{@code @Selected GhmBackend}: the chosen backend (singleton), by GHM-7.2 with this module's
 *       backend name as the name from code.</li>
 *   <li>{@code @Classification HarmonizedLoss} and {@code @Regression HarmonizedLoss}: singletons for
 *       the configured loss settings, each owning its EMA state.</li>
 * </ul>
 * <pre>{@code
 * Injector injector = Guice.createInjector(GhmModule.builder()
 *         .classification(GhmcConfig.mmdetection()).regression(GhmrConfig.retinanet()).build());
 * }</pre>
 */
public final class GhmModule extends AbstractModule {
    private final String backendName;
    private final BackendOptions options;
    private final LossConfig classification;
    private final LossConfig regression;

    private GhmModule(Builder b) {
        this.backendName = b.backendName;
        this.options = b.options;
        this.classification = b.classification;
        this.regression = b.regression;
    }

    /** A module with mmdetection's GHM-C and GHM-R presets and selection by property, environment or priority. */
    public GhmModule() {
        this(new Builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A module that adds {@code provider} to the MapBinder under its name. */
    public static Module provider(GhmBackendProvider provider) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, GhmBackendProvider.class)
                        .addBinding(provider.name()).toInstance(provider);
            }
        };
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, GhmBackendProvider.class);
    }

    @Provides
    @Singleton
    GhmBackends registry(Map<String, GhmBackendProvider> providers) {
        return providers.isEmpty()
                ? GhmBackends.fromClassPath(GhmModule.class.getClassLoader())
                : GhmBackends.of(new ArrayList<>(providers.values()));
    }

    @Provides
    @Singleton
    @Selected
    GhmBackend backend(GhmBackends registry) {
        return registry.newBackend(backendName, options);
    }

    @Provides
    @Singleton
    @Classification
    HarmonizedLoss classificationLoss(@Selected GhmBackend backend) {
        return backend.loss(classification);
    }

    @Provides
    @Singleton
    @Regression
    HarmonizedLoss regressionLoss(@Selected GhmBackend backend) {
        return backend.loss(regression);
    }

    /** Settings of a {@link GhmModule}. */
    public static final class Builder {
        private String backendName;
        private BackendOptions options = BackendOptions.defaults();
        private LossConfig classification = org.ghm4j.api.config.GhmcConfig.mmdetection();
        private LossConfig regression = org.ghm4j.api.config.GhmrConfig.mmdetection();

        /** The backend name "from code" (GHM-7.2); null (default) defers to -Dghm.backend, GHM_BACKEND, priority. */
        public Builder backend(String name) {
            backendName = name;
            return this;
        }

        public Builder options(BackendOptions value) {
            options = java.util.Objects.requireNonNull(value, "options");
            return this;
        }

        /** The {@code @Classification} loss: a {@code GhmcConfig} or {@code CategoricalConfig}. */
        public Builder classification(LossConfig value) {
            classification = java.util.Objects.requireNonNull(value, "classification");
            return this;
        }

        /** The {@code @Regression} loss, usually a {@code GhmrConfig}. */
        public Builder regression(LossConfig value) {
            regression = java.util.Objects.requireNonNull(value, "regression");
            return this;
        }

        public GhmModule build() {
            return new GhmModule(this);
        }
    }
}
