package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.conformance.DetectionVectorFamily;
import org.ghm4j.testkit.vectors.VectorFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** GHM-8 / GHM-9: the retinanet_ghm_mmdet vectors (test resources det/) through the Java backend. */
class DetectionVectorsTest {
    private static JavaBackend backend;

    @BeforeAll
    static void open() {
        backend = new JavaBackend();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path dir = Path.of(DetectionVectorsTest.class.getResource("/det").toURI());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("GHM-8 retinanet_ghm_mmdet vector matches (anchors, assignment, targets, losses, states, gradients)")
    void vectorMatches(Path file) throws IOException {
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        assertEquals(DetectionVectorFamily.FUNCTION, node.get("function").asText());
        new DetectionVectorFamily().run(node, backend);
    }

    @Test
    void familyIsRegisteredForServiceLoader() {
        boolean found = false;
        for (VectorFamily f : ServiceLoader.load(VectorFamily.class)) {
            found |= f.functions().contains(DetectionVectorFamily.FUNCTION);
        }
        assertTrue(found, "retinanet_ghm_mmdet family registered in META-INF/services");
    }

    @Test
    void thereAreAtLeastFourVectors() throws Exception {
        assertTrue(cases().count() >= 4);
    }
}
