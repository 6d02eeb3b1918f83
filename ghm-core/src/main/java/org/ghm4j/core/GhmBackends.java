package org.ghm4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.error.BackendException;
import org.ghm4j.api.error.ErrorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where backends are discovered and chosen (GHM-7). Discovery (ServiceLoader, or an
 * explicit list) runs once, when the registry is built, and calls only the providers' cheap methods.
 * Selection order (GHM-7.2): a name given in code, then the system property {@value #PROPERTY}, then
 * the environment variable {@value #ENV}, then the available provider with the highest priority.
 * Backends are created on first use and shared: one per name and options. Thread-safe.
 */
public final class GhmBackends {
    /** System property naming the backend. */
    public static final String PROPERTY = "ghm.backend";
    /** Environment variable naming the backend. */
    public static final String ENV = "GHM_BACKEND";

    private static final Logger LOG = LoggerFactory.getLogger(GhmBackends.class);
    private static final String ARTIFACTS = "org.ghm4j:ghm-backend-java (pure Java) or org.ghm4j:ghm-backend-nd4j (ND4J)";

    private final List<ProviderInfo> providers;
    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;
    private final Map<String, GhmBackend> created = new ConcurrentHashMap<>();
    private final AtomicBoolean logged = new AtomicBoolean();

    /**
     * @param providers   what discovery found (see {@link #discover(ClassLoader)})
     * @param properties  system property lookup, e.g. {@code System::getProperty}
     * @param environment environment lookup, e.g. {@code System::getenv}
     */
    public GhmBackends(List<ProviderInfo> providers, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        List<ProviderInfo> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparing(ProviderInfo::loaded).reversed()
                .thenComparing(Comparator.comparingInt(ProviderInfo::priority).reversed())
                .thenComparing(ProviderInfo::name));
        this.providers = Collections.unmodifiableList(sorted);
        this.properties = Objects.requireNonNull(properties, "properties");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** Providers registered with ServiceLoader in {@code loader}; settings from the system and environment. */
    public static GhmBackends fromClassPath(ClassLoader loader) {
        return new GhmBackends(discover(loader), System::getProperty, System::getenv);
    }

    /** Explicit providers (e.g. from a Guice MapBinder); settings from the system and environment. */
    public static GhmBackends of(List<? extends GhmBackendProvider> providers) {
        List<ProviderInfo> infos = new ArrayList<>();
        for (GhmBackendProvider p : providers) {
            infos.add(describe(p, p.getClass().getName()));
        }
        return new GhmBackends(infos, System::getProperty, System::getenv);
    }

    /**
     * Runs ServiceLoader over {@code loader}. A provider that cannot be instantiated, or whose cheap
     * methods throw, is kept as a failed entry (reported, skipped) and logged at WARN.
     */
    public static List<ProviderInfo> discover(ClassLoader loader) {
        List<ProviderInfo> found = new ArrayList<>();
        Iterator<GhmBackendProvider> it = ServiceLoader.load(GhmBackendProvider.class, loader).iterator();
        while (true) {
            GhmBackendProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                String what = failedClass(e);
                LOG.warn("GHM backend provider {} failed to load and is skipped: {}", what, e.toString());
                found.add(new ProviderInfo(what, 0, Set.of(), null, null, rootMessage(e)));
                continue;
            }
            found.add(describe(p, p.getClass().getName()));
        }
        return found;
    }

    private static ProviderInfo describe(GhmBackendProvider p, String className) {
        try {
            Set<Capability> caps = p.capabilities();
            return new ProviderInfo(p.name(), p.priority(),
                    caps == null || caps.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(caps)),
                    p.artifact(), p, null);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("GHM backend provider {} failed to describe itself and is skipped: {}", className, e.toString());
            return new ProviderInfo(className, 0, Set.of(), null, null, e.toString());
        }
    }

    /** Every provider found, loaded ones first, by priority. */
    public List<ProviderInfo> providers() {
        return providers;
    }

    /** Chooses by GHM-7.2 with no name from code. */
    public Selection select() {
        return select(null);
    }

    /**
     * Chooses by GHM-7.2.
     *
     * @param nameFromCode a backend name, or null to fall back on the property, the environment and priority
     * @throws BackendException GHM-BACKEND-UNKNOWN, -NONE or -UNAVAILABLE with the list of providers found
     */
    public Selection select(String nameFromCode) {
        String name = blankToNull(nameFromCode);
        SelectionSource source = SelectionSource.CODE;
        if (name == null) {
            name = blankToNull(properties.apply(PROPERTY));
            source = SelectionSource.SYSTEM_PROPERTY;
        }
        if (name == null) {
            name = blankToNull(environment.apply(ENV));
            source = SelectionSource.ENVIRONMENT;
        }
        Selection selection = name != null ? byName(name.trim().toLowerCase(Locale.ROOT), source) : byPriority();
        if (nameFromCode == null && logged.compareAndSet(false, true)) {
            LOG.info("GHM backend '{}' selected (from {})", selection.provider().name(), selection.source().description());
        }
        return selection;
    }

    /** The selected backend (GHM-7.2), created on first use and shared. */
    public GhmBackend backend() {
        return backend(null, BackendOptions.defaults());
    }

    /** The backend named {@code name} (or the selected one when null), created on first use and shared. */
    public GhmBackend backend(String name, BackendOptions options) {
        Selection s = select(name);
        String key = s.provider().name() + "/" + options;
        return created.computeIfAbsent(key, k -> create(s.provider(), options));
    }

    /** A new, unshared backend for {@code name} (or the selected one): the caller closes it. */
    public GhmBackend newBackend(String name, BackendOptions options) {
        return create(select(name).provider(), options);
    }

    private static GhmBackend create(ProviderInfo info, BackendOptions options) {
        try {
            GhmBackend b = info.provider().create(options);
            if (b == null) {
                throw new BackendException(ErrorId.BACKEND_FAILED, "provider '" + info.name() + "' returned no backend");
            }
            return b;
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException(ErrorId.BACKEND_FAILED, "GHM backend '" + info.name()
                    + "' failed to start: " + e, e);
        }
    }

    private Selection byName(String name, SelectionSource source) {
        for (ProviderInfo p : providers) {
            if (p.loaded() && p.name().equals(name)) {
                Availability a = p.availability();
                if (!a.isAvailable()) {
                    throw new BackendException(ErrorId.BACKEND_UNAVAILABLE, "GHM backend '" + name + "' (from "
                            + source.description() + ") is unavailable: " + a.reason() + ". Found: " + found());
                }
                return new Selection(p, source);
            }
        }
        if (providers.isEmpty()) {
            throw new BackendException(ErrorId.BACKEND_UNKNOWN, "No GHM backend named '" + name + "' (from "
                    + source.description() + "): no provider is on the class path. Add " + ARTIFACTS + ".");
        }
        throw new BackendException(ErrorId.BACKEND_UNKNOWN, "No GHM backend named '" + name + "' (from "
                + source.description() + "). Found: " + found());
    }

    private Selection byPriority() {
        if (providers.stream().noneMatch(ProviderInfo::loaded)) {
            throw new BackendException(ErrorId.BACKEND_NONE, "No GHM backend provider on the class path"
                    + (providers.isEmpty() ? "" : " loaded (found: " + found() + ")") + ". Add " + ARTIFACTS + ".");
        }
        for (ProviderInfo p : providers) {
            if (p.loaded() && p.availability().isAvailable()) {
                return new Selection(p, SelectionSource.PRIORITY);
            }
        }
        throw new BackendException(ErrorId.BACKEND_UNAVAILABLE, "No GHM backend is available here. Found: " + found());
    }

    /** {@code java (priority 10, available), nd4j (priority 20, unavailable: ...)} */
    public String found() {
        return providers.stream().map(ProviderInfo::summary).collect(Collectors.joining(", "));
    }

    /** Closes the shared backends this registry created. */
    public void closeAll() {
        created.values().forEach(GhmBackend::close);
        created.clear();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String failedClass(Throwable e) {
        // ServiceLoader words it "<service>: Provider <class> could not be instantiated" (or "... not found")
        String m = e.getMessage();
        int at = m == null ? -1 : m.indexOf("Provider ");
        if (at >= 0) {
            String rest = m.substring(at + "Provider ".length());
            int space = rest.indexOf(' ');
            return space > 0 ? rest.substring(0, space) : rest;
        }
        return "(unknown provider)";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.toString() : e.getMessage() + " (cause: " + t + ")";
    }
}
