package org.ghm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: output, exit codes (0 ok, 1 failure, 2 usage). */
class GhmCliTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GhmCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void doctorListsTheJavaBackendAndTheChoice() {
        Run r = run("doctor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  java     priority 10  available"), r.out());
        assertTrue(r.out().contains("selected: "), r.out());
        // surefire starts the tests with --add-modules jdk.incubator.vector
        assertTrue(r.out().contains("vector kernels: on (float32, "), r.out());
    }

    @Test
    void versionAndHelp() {
        assertTrue(run("--version").out().startsWith("ghm4j "));
        Run help = run("--help");
        assertEquals(0, help.code());
        for (String command : new String[] {"doctor", "conformance", "bench", "demo"}) {
            assertTrue(help.out().contains(command), help.out());
        }
    }

    @Test
    void unknownSubcommandOrOptionIsAUsageError() {
        Run r = run("bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Unmatched argument at index 0: 'bogus'"), r.err());
        assertTrue(r.err().contains("Usage: ghm"), r.err());
        assertEquals(2, run("doctor", "--frobnicate").code());
    }

    @Test
    void benchPrintsOneLinePerCaseInTheDocumentedForm() {
        Run r = run("bench", "--backend", "java", "--loss", "ghmr", "--elements", "4000", "--repeat", "3", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().matches("bench backend=java loss=ghmr elements=4000 threads=1 median_s=\\d+\\.\\d{4}"
                + " elements_per_s=\\d\\.\\d{2}e[+-]\\d{2}"), r.out());
    }

    @Test
    void benchRefusesBadValues() {
        Run r = run("bench", "--loss", "nope");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ghm bench: --loss: unknown loss 'nope'"), r.err());
        assertEquals(2, run("bench", "--repeat", "0").code());
    }

    @Test
    void conformancePassesForJavaAndWritesAReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        Run r = run("conformance", "--backend", "java", "--report", report.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].matches("conformance backend=java: \\d+ passed, 0 failed, \\d+ skipped"),
                lines[lines.length - 1]);
        assertTrue(r.out().contains("PASS vector d01_basic_k1_3steps"), "detection vectors are included");
        assertTrue(r.out().contains("PASS rule   required_ghm2_5_gradientMatchesFormula"), r.out());
        assertTrue(Files.readString(report).contains("\"backend\""), Files.readString(report));
    }

    @Test
    void conformanceWithAnUnknownBackendIsAUsageErrorWithTheSelectionMessage() {
        Run r = run("conformance", "--backend", "nd4jj");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ghm conformance: [GHM-BACKEND-UNKNOWN] No GHM backend named 'nd4jj' (from code)."
                + " Found: "), r.err());
    }
}
