package org.ghm4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.error.BackendException;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.JavaBackendProvider;
import org.junit.jupiter.api.Test;

/** Discovery and selection per classpath scenario (GHM-7.1 to 7.3), asserting the messages. */
class GhmBackendsTest {
    private static final UnaryOperator<String> UNSET = k -> null;

    private static GhmBackends registry(UnaryOperator<String> props, UnaryOperator<String> env, Class<?>... providers) {
        return new GhmBackends(GhmBackends.discover(TestProviders.listing(providers)), props, env);
    }

    private static UnaryOperator<String> map(String key, String value) {
        return Map.of(key, value)::get;
    }

    @Test
    void noProviderNamesTheArtifactsToAdd() {
        GhmBackends r = registry(UNSET, UNSET);
        BackendException e = assertThrows(BackendException.class, r::select);
        assertEquals(ErrorId.BACKEND_NONE, e.errorId());
        assertEquals("[GHM-BACKEND-NONE] No GHM backend provider on the class path. Add org.ghm4j:ghm-backend-java"
                + " (pure Java) or org.ghm4j:ghm-backend-nd4j (ND4J).", e.getMessage());
    }

    @Test
    void javaOnlyIsSelectedByPriorityAndComputes() {
        GhmBackends r = registry(UNSET, UNSET, JavaBackendProvider.class);
        Selection s = r.select();
        assertEquals("java", s.provider().name());
        assertEquals(SelectionSource.PRIORITY, s.source());
        assertEquals("java (from highest priority available)", s.toString());
        GhmBackend b = r.backend();
        assertSame(b, r.backend(), "the selected backend is shared");
        double loss = b.loss(GhmcConfig.mmdetection()).compute(LossInput.of(
                Tensor.of(new float[] {0.3f}, 1, 1), Tensor.of(new float[] {1f}, 1, 1))).loss();
        assertEquals(2.217420957581947, loss, 1e-6, "c01 step 0 of the conformance vectors");
        r.closeAll();
    }

    @Test
    void bothPresentHighestPriorityWinsUnlessNamed() {
        Class<?>[] both = {JavaBackendProvider.class, TestProviders.FakeNd4j.class};
        assertEquals("nd4j", registry(UNSET, UNSET, both).select().provider().name());

        Selection byProperty = registry(map(GhmBackends.PROPERTY, "java"), UNSET, both).select();
        assertEquals("java", byProperty.provider().name());
        assertEquals(SelectionSource.SYSTEM_PROPERTY, byProperty.source());

        Selection byEnv = registry(UNSET, map(GhmBackends.ENV, "JAVA "), both).select();
        assertEquals("java", byEnv.provider().name());
        assertEquals(SelectionSource.ENVIRONMENT, byEnv.source());

        Selection propertyBeatsEnv = registry(map(GhmBackends.PROPERTY, "nd4j"), map(GhmBackends.ENV, "java"), both).select();
        assertEquals("nd4j (from system property ghm.backend)", propertyBeatsEnv.toString());

        Selection codeBeatsAll = registry(map(GhmBackends.PROPERTY, "nd4j"), map(GhmBackends.ENV, "nd4j"), both).select("java");
        assertEquals("java (from code)", codeBeatsAll.toString());
    }

    @Test
    void unavailableProviderIsSkippedByPriorityAndExplainedWhenNamed() {
        GhmBackends r = registry(UNSET, UNSET, JavaBackendProvider.class, TestProviders.UnavailableNd4j.class);
        assertEquals("java", r.select().provider().name());
        BackendException e = assertThrows(BackendException.class, () -> r.select("nd4j"));
        assertEquals("[GHM-BACKEND-UNAVAILABLE] GHM backend 'nd4j' (from code) is unavailable: no ND4J natives for"
                + " linux-riscv64. Found: nd4j (priority 20, unavailable: no ND4J natives for linux-riscv64),"
                + " java (priority 10, available)", e.getMessage());
    }

    @Test
    void onlyUnavailableProvidersGiveUnavailable() {
        GhmBackends r = registry(UNSET, UNSET, TestProviders.UnavailableNd4j.class);
        BackendException e = assertThrows(BackendException.class, r::select);
        assertEquals("[GHM-BACKEND-UNAVAILABLE] No GHM backend is available here. Found: nd4j (priority 20,"
                + " unavailable: no ND4J natives for linux-riscv64)", e.getMessage());
    }

    @Test
    void providerThatThrowsWhenLoadedIsReportedAndSkipped() {
        GhmBackends r = registry(UNSET, UNSET, TestProviders.Broken.class, JavaBackendProvider.class);
        assertEquals(2, r.providers().size());
        ProviderInfo broken = r.providers().get(1);
        assertFalse(broken.loaded());
        assertEquals(TestProviders.Broken.class.getName(), broken.name());
        assertTrue(broken.failure().contains("missing native dependency"), broken.failure());
        assertEquals("java", r.select().provider().name());
        String report = GhmDiagnostics.describe(r);
        assertTrue(report.contains(TestProviders.Broken.class.getName() + ": FAILED TO LOAD: "), report);
        assertTrue(report.contains("selected: java (from highest priority available)"), report);
    }

    @Test
    void unknownNameFromCode() {
        GhmBackends r = registry(UNSET, UNSET, JavaBackendProvider.class, TestProviders.FakeNd4j.class);
        BackendException e = assertThrows(BackendException.class, () -> r.select("nd4jj"));
        assertEquals("[GHM-BACKEND-UNKNOWN] No GHM backend named 'nd4jj' (from code). Found: nd4j (priority 20,"
                + " available), java (priority 10, available)", e.getMessage());
    }

    @Test
    void unknownNameFromSystemProperty() {
        GhmBackends r = registry(map(GhmBackends.PROPERTY, "nd4jj"), UNSET, JavaBackendProvider.class);
        BackendException e = assertThrows(BackendException.class, r::select);
        assertEquals("[GHM-BACKEND-UNKNOWN] No GHM backend named 'nd4jj' (from system property ghm.backend)."
                + " Found: java (priority 10, available)", e.getMessage());
    }

    @Test
    void unknownNameFromEnvironment() {
        GhmBackends r = registry(UNSET, map(GhmBackends.ENV, "cuda"), JavaBackendProvider.class);
        BackendException e = assertThrows(BackendException.class, r::select);
        assertEquals("[GHM-BACKEND-UNKNOWN] No GHM backend named 'cuda' (from environment variable GHM_BACKEND)."
                + " Found: java (priority 10, available)", e.getMessage());
    }

    @Test
    void unknownNameWithNoProviderSaysWhatToAdd() {
        BackendException e = assertThrows(BackendException.class, () -> registry(UNSET, UNSET).select("java"));
        assertEquals("[GHM-BACKEND-UNKNOWN] No GHM backend named 'java' (from code): no provider is on the class"
                + " path. Add org.ghm4j:ghm-backend-java (pure Java) or org.ghm4j:ghm-backend-nd4j (ND4J).",
                e.getMessage());
    }

    @Test
    void diagnosticsListProvidersCapabilitiesAndChoice() {
        GhmBackends r = registry(UNSET, UNSET, JavaBackendProvider.class, TestProviders.UnavailableNd4j.class);
        String report = GhmDiagnostics.describe(r);
        assertTrue(report.contains("  nd4j     priority 20  unavailable: no ND4J natives for linux-riscv64"), report);
        assertTrue(report.contains("  java     priority 10  available"), report);
        assertTrue(report.contains("capabilities: [PROBABILITY_INPUT, DETERMINISTIC, CATEGORICAL], artifact: org.ghm4j:ghm-backend-java"), report);
        assertTrue(report.contains("selected: java (from highest priority available)"), report);
    }

    @Test
    void plainEntryPointUsesTheClassPath() {
        assertEquals("java", Ghm.backend().name());
        assertSame(Ghm.backend(), Ghm.backend("java"));
        assertEquals(2, Ghm.loss(GhmcConfig.mmdetection()).config().bins() / 15);
    }
}
