package org.ghm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ghm4j.testkit.example.SmallBackendFactory;
import org.ghm4j.testkit.oracle.OracleBackend;
import org.ghm4j.testkit.oracle.OracleBackendProvider;
import org.ghm4j.testkit.vectors.VectorCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The programmatic runner behind {@code ./ghm conformance}: one result per rule and per case, counts, JSON. */
class ConformanceRunnerTest {

    private static long ruleTestCount() {
        long n = 0;
        for (Class<?> c = GhmBackendVerification.class; c != Object.class; c = c.getSuperclass()) {
            n += Arrays.stream(c.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Test.class)).count();
        }
        return n;
    }

    @Test
    void oracleThroughTheRunnerPassesEveryRuleAndCase() {
        List<RuleResult> streamed = new ArrayList<>();
        ConformanceReport report = ConformanceRunner.forProvider(new OracleBackendProvider()).listener(streamed::add).run();
        assertEquals(List.of(), report.failedNames(), report.toJson());
        long rules = report.results().stream().filter(r -> r.kind() == RuleResult.Kind.RULE).count();
        long vectors = report.results().stream().filter(r -> r.kind() == RuleResult.Kind.VECTOR).count();
        assertEquals(ruleTestCount(), rules, "one result per rule test");
        assertEquals(VectorCases.bundled().size(), vectors, "one result per bundled vector case");
        assertEquals(report.results().size(), streamed.size(), "every result is streamed");
        assertEquals(1, report.skipped(), "only GHM-7.4's refusal check is skipped (the oracle declares everything)");
        assertEquals("conformance backend=oracle: " + (rules + vectors - 1) + " passed, 0 failed, 1 skipped",
                report.summaryLine());
        RuleResult skip = report.result("required_ghm7_4_undeclaredCapabilitiesAreRefused");
        assertTrue(skip.line().startsWith("SKIP rule   required_ghm7_4_undeclaredCapabilitiesAreRefused: "), skip.line());
        assertEquals("PASS vector c04_7x3_m075", report.result("c04_7x3_m075").line());
        assertEquals("GHM-2.5", report.result("required_ghm2_5_gradientMatchesFormula").rule());
        assertTrue(report.result("required_ghm2_5_gradientMatchesFormula").description().startsWith("GHM-2.5 "));
    }

    @Test
    void fewerCapabilitiesSkipTheOptionalRulesNamingTheCapability() {
        ConformanceReport report = ConformanceRunner.of("small", SmallBackendFactory::create).run();
        assertEquals(List.of(), report.failedNames(), report.toJson());
        RuleResult cat = report.result("optional_ghm3_4_harmonizedModeMatchesOracle");
        assertEquals(RuleResult.Status.SKIP, cat.status());
        assertTrue(cat.message().contains("CATEGORICAL") && cat.message().contains("'small'"), cat.message());
        RuleResult probs = report.result("optional_ghm2_7_probabilityInputMatchesOracle");
        assertTrue(probs.message().contains("PROBABILITY_INPUT"), probs.message());
        RuleResult f64 = report.result("optional_ghm9_3_float64AgreesWithOracleTo1e12");
        assertTrue(f64.message().contains("FLOAT64"), f64.message());
        assertTrue(report.result("required_ghm7_1_providerDescribesItself").message().contains("provider()"));
        RuleResult threads = report.result("optional_ghm7_5_threadCountDoesNotChangeBits");
        assertTrue(threads.message().contains("createBackend(BackendOptions)"), threads.message());
        RuleResult seedCase = report.result("s01_hand_2x2_two_steps");
        assertEquals(RuleResult.Status.SKIP, seedCase.status());
        assertTrue(seedCase.message().contains("CATEGORICAL"), seedCase.message());
        assertEquals(RuleResult.Status.PASS, report.result("required_ghm7_4_undeclaredCapabilitiesAreRefused").status());
    }

    @Test
    void extraDirectoriesAreSearchedRecursivelyAndAnUnknownFunctionFails(@TempDir Path dir) throws IOException {
        Path nested = Files.createDirectories(dir.resolve("a/b"));
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("org/ghm4j/testkit/vectors/data/ghmc/c04_7x3_m075.json")) {
            JsonNode c = new ObjectMapper().readTree(in);
            ((com.fasterxml.jackson.databind.node.ObjectNode) c).put("name", "my_copy_of_c04");
            Files.writeString(nested.resolve("mine.json"), c.toString());
        }
        Files.writeString(dir.resolve("index.json"), "{\"schema_version\": 1, \"cases\": []}");
        Files.writeString(dir.resolve("odd.json"), "{\"function\": \"no_such_function\", \"name\": \"odd_case\"}");
        ConformanceReport report = ConformanceRunner.of(OracleBackend.NAME, OracleBackend::new)
                .vectorDirectories(List.of(dir)).run();
        assertEquals(RuleResult.Status.PASS, report.result("my_copy_of_c04").status());
        RuleResult odd = report.result("odd_case");
        assertEquals(RuleResult.Status.FAIL, odd.status());
        assertTrue(odd.message().contains("no_such_function") && odd.message().contains("ghmc_mmdet"), odd.message());
        assertEquals(List.of("odd_case"), report.failedNames());
        assertEquals(VectorCases.bundled().size() + 2,
                report.results().stream().filter(r -> r.kind() == RuleResult.Kind.VECTOR).count(), "index.json is ignored");
    }

    @Test
    void theSystemPropertyAddsDirectories(@TempDir Path dir) throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("org/ghm4j/testkit/vectors/data/ghmr/r01_1x1.json")) {
            Files.write(dir.resolve("r.json"), in.readAllBytes());
        }
        String old = System.getProperty(VectorCases.PROPERTY);
        System.setProperty(VectorCases.PROPERTY, dir.toString());
        try {
            assertEquals(VectorCases.bundled().size() + 1, VectorCases.all(List.of()).size());
        } finally {
            if (old == null) {
                System.clearProperty(VectorCases.PROPERTY);
            } else {
                System.setProperty(VectorCases.PROPERTY, old);
            }
        }
    }

    @Test
    void theJsonReportHasCountsAndOneEntryPerResult(@TempDir Path dir) throws IOException {
        ConformanceReport report = new ConformanceReport("x", List.of(
                new RuleResult(RuleResult.Kind.RULE, "required_ghm2_5_a", "GHM-2.5", "GHM-2.5 a", RuleResult.Status.PASS, ""),
                new RuleResult(RuleResult.Kind.RULE, "optional_ghm2_7_b", "GHM-2.7", "GHM-2.7 b", RuleResult.Status.SKIP,
                        "needs PROBABILITY_INPUT"),
                new RuleResult(RuleResult.Kind.VECTOR, "c04", "GHM-9.1", "vector case", RuleResult.Status.FAIL,
                        "GHM-2.5 grad\nmismatch")));
        assertEquals("conformance backend=x: 1 passed, 1 failed, 1 skipped", report.summaryLine());
        assertEquals("FAIL vector c04: GHM-2.5 grad mismatch", report.results().get(2).line());
        Path file = dir.resolve("out/report.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals("x", json.path("backend").asText());
        assertEquals(1, json.path("failed").asInt());
        assertEquals(report.summaryLine(), json.path("summary").asText());
        assertEquals(3, json.path("results").size());
        assertEquals("SKIP", json.path("results").get(1).path("status").asText());
        assertEquals("needs PROBABILITY_INPUT", json.path("results").get(1).path("message").asText());
    }

    @Test
    void everyRuleTestIsNamedAfterItsRuleAndQuotesIt() {
        for (Class<?> c = GhmBackendVerification.class; c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(TestFactory.class)) {
                    String rule = RuleOrder.ruleOf(m.getName());
                    assertTrue(rule != null, m.getName() + " must be named required_ghmX_Y_... or optional_ghmX_Y_...");
                    String display = m.getAnnotation(org.junit.jupiter.api.DisplayName.class).value();
                    assertTrue(display.startsWith(rule) || display.contains(rule), m.getName() + ": " + display);
                }
            }
        }
    }
}
