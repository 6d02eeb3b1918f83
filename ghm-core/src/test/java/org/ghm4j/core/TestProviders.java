package org.ghm4j.core;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.ghm4j.api.Availability;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.error.BackendException;
import org.ghm4j.api.error.ErrorId;

/** Providers and a class loader that shows ServiceLoader exactly the providers a scenario lists. */
final class TestProviders {
    private TestProviders() {
    }

    /** Stands in for the ND4J provider: priority 20, available. */
    public static final class FakeNd4j implements GhmBackendProvider {
        @Override
        public String name() {
            return "nd4j";
        }

        @Override
        public int priority() {
            return 20;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.NATIVE_MEMORY, Capability.FLOAT64);
        }

        @Override
        public String artifact() {
            return "org.ghm4j:ghm-backend-nd4j";
        }

        @Override
        public GhmBackend create(BackendOptions options) {
            // a real backend under another name: selection, not computation, is under test here
            return new org.ghm4j.backend.java.JavaBackend(options);
        }
    }

    /** An ND4J stand-in whose natives are missing. */
    public static final class UnavailableNd4j implements GhmBackendProvider {
        @Override
        public String name() {
            return "nd4j";
        }

        @Override
        public int priority() {
            return 20;
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("no ND4J natives for linux-riscv64");
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.NATIVE_MEMORY);
        }

        @Override
        public String artifact() {
            return "org.ghm4j:ghm-backend-nd4j";
        }

        @Override
        public GhmBackend create(BackendOptions options) {
            throw new BackendException(ErrorId.BACKEND_UNAVAILABLE, "no ND4J natives for linux-riscv64");
        }
    }

    /** A provider whose constructor throws, as one with a missing dependency would. */
    public static final class Broken implements GhmBackendProvider {
        public Broken() {
            throw new IllegalStateException("missing native dependency");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public int priority() {
            return 99;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public String artifact() {
            return "x:broken";
        }

        @Override
        public GhmBackend create(BackendOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    /** A class loader whose services file lists exactly {@code providers}; classes come from the parent. */
    static ClassLoader listing(Class<?>... providers) {
        try {
            Path file = Files.createTempFile("ghm-services", ".txt");
            StringBuilder sb = new StringBuilder();
            for (Class<?> p : providers) {
                sb.append(p.getName()).append('\n');
            }
            Files.writeString(file, sb.toString());
            file.toFile().deleteOnExit();
            URL url = file.toUri().toURL();
            String name = "META-INF/services/" + GhmBackendProvider.class.getName();
            return new ClassLoader(TestProviders.class.getClassLoader()) {
                @Override
                public Enumeration<URL> getResources(String resource) throws IOException {
                    if (resource.equals(name)) {
                        return providers.length == 0 ? Collections.emptyEnumeration()
                                : Collections.enumeration(List.of(url));
                    }
                    return super.getResources(resource);
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
