package org.ghm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.ghm4j.testkit.vectors.VectorCase;
import org.ghm4j.testkit.vectors.VectorCases;
import org.junit.jupiter.api.Test;

/** The bundled testkit cases are exactly what {@link VectorGenerator} produces, and are listed in bundled.txt. */
class GeneratedVectorsTest {

    @Test
    void bundledTestkitCasesAreUpToDate() throws IOException {
        Map<String, JsonNode> fresh = VectorGenerator.generate();
        for (Map.Entry<String, JsonNode> e : fresh.entrySet()) {
            String resource = "org/ghm4j/testkit/vectors/data/testkit/" + e.getKey();
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
                assertTrue(in != null, resource + " is missing: run VectorGenerator");
                assertEquals(VectorGenerator.MAPPER.readTree(VectorGenerator.MAPPER.writeValueAsString(e.getValue())),
                        VectorGenerator.MAPPER.readTree(in), resource + " is stale: run VectorGenerator");
            }
        }
        List<String> names = VectorCases.bundled().stream().map(VectorCase::name).toList();
        for (JsonNode c : fresh.values()) {
            assertTrue(names.contains(c.path("name").asText()), c.path("name").asText() + " is not in bundled.txt");
        }
        assertEquals(16 + fresh.size(), names.size(), "bundled cases: the 16 shared ones plus the testkit's own");
    }
}
