package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.conformance.DetectionVectorFamily;
import org.ghm4j.testkit.vectors.VectorCase;
import org.ghm4j.testkit.vectors.VectorCases;
import org.ghm4j.testkit.vectors.VectorFamilies;
import org.ghm4j.testkit.vectors.VectorFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GHM-8 / GHM-9: the retinanet_ghm_mmdet vectors this jar contributes (META-INF/ghm4j/vectors.txt),
 * found and dispatched the way the testkit's conformance run finds them, through the Java backend.
 */
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

    static Stream<VectorCase> cases() {
        return VectorCases.bundled().stream().filter(c -> DetectionVectorFamily.FUNCTION.equals(c.function()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("GHM-8 retinanet_ghm_mmdet vector matches (anchors, assignment, targets, losses, states, gradients)")
    void vectorMatches(VectorCase c) {
        VectorFamily family = VectorFamilies.load().forFunction(c.function(), c.source());
        assertTrue(family instanceof DetectionVectorFamily, "dispatched to " + family);
        family.run(c.json(), backend);
    }

    @Test
    void theFourSharedCasesAreContributed() {
        List<String> names = cases().map(VectorCase::name).sorted().toList();
        assertEquals(List.of("d01_basic_k1_3steps", "d02_two_images_pad_invalid", "d04_tiny_boxes_low_quality_k2",
                "d09_joint_two_images"), names);
    }
}
