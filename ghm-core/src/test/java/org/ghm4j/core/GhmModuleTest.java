package org.ghm4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.backend.java.JavaBackendProvider;
import org.ghm4j.core.guice.Classification;
import org.ghm4j.core.guice.GhmModule;
import org.ghm4j.core.guice.Regression;
import org.ghm4j.core.guice.Selected;
import org.junit.jupiter.api.Test;

class GhmModuleTest {

    @Test
    void bindsSelectedBackendAndLossesAsSingletons() {
        Injector injector = Guice.createInjector(GhmModule.builder()
                .classification(GhmcConfig.mmdetection()).regression(GhmrConfig.retinanet()).build());
        GhmBackend backend = injector.getInstance(Key.get(GhmBackend.class, Selected.class));
        assertEquals("java", backend.name());
        assertSame(backend, injector.getInstance(Key.get(GhmBackend.class, Selected.class)));
        HarmonizedLoss cls = injector.getInstance(Key.get(HarmonizedLoss.class, Classification.class));
        HarmonizedLoss reg = injector.getInstance(Key.get(HarmonizedLoss.class, Regression.class));
        assertEquals(GhmcConfig.mmdetection(), cls.config());
        assertEquals(GhmrConfig.retinanet(), reg.config());
        assertNotSame(cls, reg);
        assertSame(cls, injector.getInstance(Key.get(HarmonizedLoss.class, Classification.class)));
    }

    @Test
    void explicitProvidersReplaceDiscovery() {
        Injector injector = Guice.createInjector(GhmModule.builder().backend("nd4j").build(),
                GhmModule.provider(new TestProviders.FakeNd4j()), GhmModule.provider(new JavaBackendProvider()));
        assertEquals(2, injector.getInstance(GhmBackends.class).providers().size());
        assertEquals("java", injector.getInstance(GhmBackends.class).select("java").provider().name());
    }

    @Test
    void unknownBackendSurfacesTheSelectionMessage() {
        Injector injector = Guice.createInjector(GhmModule.builder().backend("nd4jj").build());
        ProvisionException e = assertThrows(ProvisionException.class,
                () -> injector.getInstance(Key.get(GhmBackend.class, Selected.class)));
        assertTrue(e.getMessage().contains("[GHM-BACKEND-UNKNOWN] No GHM backend named 'nd4jj' (from code)."),
                e.getMessage());
    }

    @Test
    void configureDoesNoDiscovery() {
        // creating the injector must not touch ServiceLoader or fail: a broken class path shows up on first use
        assertThrows(CreationException.class, () -> Guice.createInjector(new GhmModule(), new GhmModule()));
        Guice.createInjector(new GhmModule());
    }
}
