package org.ghm4j.cli;

import java.io.Console;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ghm4j.cli.demo.DemoOptions;
import org.ghm4j.cli.demo.DemoResult;
import org.ghm4j.cli.demo.DemoRunner;
import org.ghm4j.cli.demo.Progress;
import org.ghm4j.core.Ghm;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghm demo}: GHM-C + GHM-R against the baselines on a seeded RetinaNet batch, on every
 * available backend; prints the anchors, the EMA state per step, the losses and timings, the
 * largest difference between backends and where the gradient comes from, and writes the figure
 * (see {@link DemoRunner}). ND4J and other libraries stay silent unless {@code --verbose}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what GHM does to a detector's gradients, and how fast.",
                "Runs GHM-C + GHM-R and the baselines (BCE, focal loss, Smooth L1) on a seeded RetinaNet batch"
                        + " (2 images 512x512, anchors P3-P7, 80 classes) on every available backend, prints a table"
                        + " and writes a figure of the gradient norm distribution, the harmonizing weights and the"
                        + " gradient contribution per bin."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    /** Progress shows for phases longer than this. */
    static final long PROGRESS_DELAY_MILLIS = 2000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "5",
            description = "Seed of the batch and head outputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "5",
            description = "Training steps to run; the EMA state is printed after each (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Run only this backend (default: every available one).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "ghm-out",
            description = "Directory for ghm-demo.png and ghm-demo.svg (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-svg", description = "Write only the PNG.")
    boolean noSvg;

    @Option(names = "--verbose", description = "Let ND4J and the backends log (INFO) on stderr.")
    boolean verbose;

    @Override
    public Integer call() {
        if (steps < 1 || steps > 10_000) {
            throw new GhmCli.UsageException("--steps must be in [1, 10000], got " + steps);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new GhmCli.UsageException("--out " + out + " is a file, not a directory");
        }
        if (backend != null && backend.isBlank()) {
            throw new GhmCli.UsageException("--backend must name a backend, got an empty name");
        }
        System.setProperty("java.awt.headless", "true");
        ConsoleLogging.configure(verbose);
        var err = spec.commandLine().getErr();
        try (Progress progress = new Progress(err, isTerminal(), PROGRESS_DELAY_MILLIS)) {
            DemoOptions options = new DemoOptions(seed, steps, backend, out, !noSvg);
            DemoResult result = new DemoRunner(options, Ghm.registry(), spec.commandLine().getOut(), progress,
                    stdoutCharset()).run();
            if (!result.failures().isEmpty()) {
                err.println("ghm demo: backend " + String.join(", ", result.failures().keySet())
                        + " failed (see FAILED above); the other backends ran");
                return CommandLine.ExitCode.SOFTWARE;
            }
        }
        return 0;
    }

    /** True when stdout is a terminal (Console.isTerminal() on Java 22+, where System.console() is never null). */
    private static boolean isTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | ClassCastException e) {
            return false;
        }
    }

    private static Charset stdoutCharset() {
        String name = System.getProperty("stdout.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
