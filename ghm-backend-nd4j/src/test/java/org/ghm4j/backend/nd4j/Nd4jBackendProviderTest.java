package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GHM-7.1: discovery, the cheap methods, lazy native loading and availability. */
class Nd4jBackendProviderTest {

    @Test
    @DisplayName("GHM-7.1 the provider is found by ServiceLoader with its name, priority, capabilities, artifact")
    void providerIsDiscoveredWithItsDescription() {
        GhmBackendProvider nd4j = ServiceLoader.load(GhmBackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("nd4j")).findFirst().orElseThrow();
        assertEquals(Nd4jBackendProvider.NAME, nd4j.name());
        assertEquals(20, nd4j.priority());
        assertEquals("org.ghm4j:ghm-backend-nd4j", nd4j.artifact());
        assertEquals(Set.of(Capability.FLOAT64, Capability.PROBABILITY_INPUT, Capability.NATIVE_MEMORY,
                Capability.CATEGORICAL, Capability.DETERMINISTIC), nd4j.capabilities());
        assertTrue(nd4j.availability().isAvailable(), nd4j.availability().toString());
        try (GhmBackend b = nd4j.create(BackendOptions.defaults().withThreads(3))) {
            assertEquals("nd4j", b.name());
            assertEquals(3, ((Nd4jBackend) b).threads());
        }
    }

    @Test
    @DisplayName("GHM-7.1 discovery and the cheap methods load no ND4J class; availability() does")
    void discoveryLoadsNoNativeCode() throws IOException, InterruptedException {
        List<String> cheap = childJvm(false);
        int done = cheap.indexOf("cheap-done");
        assertTrue(done >= 0, String.join("\n", cheap));
        assertTrue(cheap.stream().anyMatch(l -> l.startsWith("provider nd4j 20 5 org.ghm4j:ghm-backend-nd4j")),
                String.join("\n", cheap));
        assertFalse(cheap.subList(0, done).stream().anyMatch(l -> l.contains("org.nd4j.") || l.contains("org.bytedeco.")),
                "no ND4J or JavaCPP class may load during discovery:\n" + String.join("\n", cheap.subList(0, done)));
        List<String> probed = childJvm(true);
        assertTrue(probed.contains("availability nd4j available"), String.join("\n", probed.subList(
                Math.max(0, probed.size() - 20), probed.size())));
        int probeDone = probed.indexOf("cheap-done");
        assertTrue(probed.subList(probeDone, probed.size()).stream().anyMatch(l -> l.contains("org.nd4j.linalg.factory.Nd4j ")),
                "availability() loads ND4J");
    }

    private static List<String> childJvm(boolean probe) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                ProviderProbe.class.getName(), probe ? "probe" : "cheap");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().toList();
    }
}
