package org.ghm4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.ghm4j.cli.GhmCli;
import org.ghm4j.detection.target.LevelCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs {@code ghm demo} in-process, as the launcher does. */
class DemoCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run ghm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GhmCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoPrintsTheTablesAndWritesTheFigure(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("figures");
        Run r = ghm("demo", "--steps", "2", "--seed", "42", "--out", outDir.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("ghm demo: GHM-C + GHM-R against BCE, focal loss and Smooth L1 on a RetinaNet batch"
                + " (seed 42, 2 steps)"), out);
        assertTrue(out.contains("anchors  P3-P7 (strides 8-128, 9 per location): 49,104 per image; 7,856,640 anchor x"
                + " class elements"), out);
        LevelCounts all = new DemoBatch(42).totalCounts();
        assertTrue(out.contains(String.format(Locale.ROOT, "  %-14s %,9d %,9d %,9d %,9d", "all levels", all.pos(),
                all.neg(), all.ignored(), all.invalid())), out);
        assertTrue(out.contains("9,144\n"), "invalid anchors of image 1's padding: " + out);
        for (String level : new String[] {"  P3 stride 8 ", "  P4 stride 16 ", "  P5 stride 32 ", "  P6 stride 64 ",
                "  P7 stride 128 "}) {
            assertTrue(out.contains(level), level + " in " + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.startsWith("backends ") && l.contains("java")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("   1  java +[0-9.]+ +[0-9.]+ .*  -")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("   2  java +[0-9.]+ +[0-9.]+ .* [0-9.]+%")), out);
        assertTrue(out.contains("losses at step 2"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  GHM-C \\+ GHM-R +java +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ ms")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  BCE \\+ Smooth L1 +plain Java +[0-9. ]+ms")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  focal \\+ Smooth L1 plain Java +[0-9. ]+ms")), out);
        assertTrue(out.contains("largest difference between backends"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  GHM-C's bin counts R_k \\([a-z0-9]+, summed over the levels\\)"
                + " equal an independent count.*")),
                out);
        Path png = outDir.resolve("ghm-demo.png");
        Path svg = outDir.resolve("ghm-demo.svg");
        assertTrue(out.contains("figure  " + png + "  (vector: " + svg + ")"), out);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(3 * GradientFigure.PANEL_WIDTH, image.getWidth());
        assertEquals(GradientFigure.HEADER + GradientFigure.PANEL_HEIGHT, image.getHeight());
        String vector = Files.readString(svg);
        assertTrue(vector.startsWith("<?xml") && vector.contains("<svg"), vector.substring(0, 200));
    }

    @Test
    void noSvgWritesOnlyThePng(@TempDir Path dir) {
        Run r = ghm("demo", "--steps", "1", "--no-svg", "--backend", "java", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("ghm-demo.png")));
        assertTrue(!Files.exists(dir.resolve("ghm-demo.svg")));
        assertTrue(r.out().contains("losses at step 1"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--steps=0", "--steps=x", "--bogus", "--backend=nosuch", "--steps=-3", "--seed=1.5"})
    void badOptionsExitTwoWithOneLineAndUsage(String option) {
        Run r = ghm("demo", option);
        assertEquals(2, r.code(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(!first.isBlank() && r.err().contains("Usage: ghm demo"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void outThatIsAFileIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Run r = ghm("demo", "--out", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ghm demo: --out " + file + " is a file, not a directory"), r.err());
    }

    @Test
    void stepsErrorNamesTheValue() {
        Run r = ghm("demo", "--steps", "0");
        assertTrue(r.err().startsWith("ghm demo: --steps must be in [1, 10000], got 0"), r.err());
    }
}
