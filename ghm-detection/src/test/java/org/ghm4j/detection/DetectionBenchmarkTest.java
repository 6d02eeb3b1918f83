package org.ghm4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ghm4j.backend.java.JavaBackend;
import org.ghm4j.detection.bench.DetectionBenchmark;
import org.junit.jupiter.api.Test;

/** The bench workload runs end to end (no timing is asserted). */
class DetectionBenchmarkTest {

    @Test
    void workloadIsRetinanetSizedAndProducesALine() {
        try (JavaBackend backend = new JavaBackend()) {
            DetectionBenchmark.Report r = DetectionBenchmark.measure(backend, 1, 0);
            assertEquals(201_600, r.anchorsPerImage());
            assertTrue(r.positives() > 100, "positives " + r.positives());
            String line = r.line("java");
            assertTrue(line.startsWith("bench backend=java loss=detection elements=32256000 images=2 shape=800x1333 classes=80 anchors=201600"), line);
        }
    }
}
