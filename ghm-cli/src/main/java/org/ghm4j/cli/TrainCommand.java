package org.ghm4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ghm4j.cli.train.CurvePlot;
import org.ghm4j.cli.train.LossKind;
import org.ghm4j.cli.train.ProgressBar;
import org.ghm4j.cli.train.ShapesDataset;
import org.ghm4j.cli.train.TrainResult;
import org.ghm4j.cli.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghm train}: trains a small RetinaNet-style detector in DeepLearning4J on generated shapes
 * with GHM-C + GHM-R, focal loss + Smooth L1 or BCE + Smooth L1, then reports validation mAP@0.5 and
 * COCO AP. Progress on stderr; each finished run ends with one line
 * {@code train loss=ghm iterations=2000 seconds=141.2 final_loss=0.231 map50=0.612 ap=0.371}.
 * {@code --compare} trains the three on the same data and seed and prints a table (see docs/training.md).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small one-stage detector (DL4J) with GHM, focal loss or BCE and evaluate it (see docs/training.md).")
final class TrainCommand implements Runnable {
    /** Default iterations of a full run and of a --quick run. */
    static final int FULL_ITERATIONS = 600;
    static final int QUICK_ITERATIONS = 40;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "ghm",
            description = "ghm (GHM-C + GHM-R), focal (focal + Smooth L1), bce (BCE + Smooth L1) or ghmc (GHM-C + Smooth L1);"
                    + " default ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--compare", description = "Train all three losses with the same data and seed and print a table.")
    boolean compare;

    @Option(names = "--quick", description = "Smoke-run sizes: " + QUICK_ITERATIONS
            + " iterations, 256 training and 64 validation images.")
    boolean quick;

    @Option(names = "--iterations", paramLabel = "N", description = "Training iterations (default " + FULL_ITERATIONS
            + ", --quick " + QUICK_ITERATIONS + ").")
    Integer iterations;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Images per iteration (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "2e-3",
            description = "Adam's learning rate, divided by 10 for the last quarter (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of data, batch order and weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "ghm-out", description = "Directory for the curve PNGs (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "ND4J/OpenMP threads (default ${DEFAULT-VALUE}: on a shared 2-core machine one thread was"
                    + " 2-4x faster than two, which spin against other work).")
    int threads;

    @Option(names = "--verbose", description = "Let ND4J/DL4J log at INFO (quiet by default).")
    boolean verbose;

    @Override
    public void run() {
        int n = iterations != null ? iterations : quick ? QUICK_ITERATIONS : FULL_ITERATIONS;
        if (n < 1) {
            throw new GhmCli.UsageException("--iterations must be >= 1, got " + n);
        }
        int trainImages = quick ? 256 : 2048;
        int valImages = quick ? 64 : 256;
        if (batch < 1 || batch > trainImages) {
            throw new GhmCli.UsageException("--batch must be in [1, " + trainImages + "], got " + batch);
        }
        List<LossKind> kinds = new ArrayList<>();
        if (compare) {
            kinds.addAll(List.of(LossKind.GHM, LossKind.FOCAL, LossKind.BCE));
        } else {
            try {
                kinds.add(LossKind.of(loss));
            } catch (IllegalArgumentException e) {
                throw new GhmCli.UsageException("--loss: " + e.getMessage());
            }
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new GhmCli.UsageException("--lr must be finite and > 0, got " + lr);
        }
        if (threads < 1) {
            throw new GhmCli.UsageException("--threads must be >= 1, got " + threads);
        }
        ConsoleLogging.configure(verbose);
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(threads);
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(threads);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ShapesDataset data = new ShapesDataset(64, 4, trainImages, valImages, seed);
        Trainer trainer = new Trainer(new Trainer.Settings(data, n, batch, lr, seed));
        o.println(String.format(Locale.ROOT, "data: %dx%d shapes, %d classes, %d training / %d validation images, seed %d;"
                        + " batch %d, %d iterations, Adam lr %s, %d thread(s)", data.size(), data.size(),
                ShapesDataset.NUM_CLASSES, trainImages, valImages, seed, batch, n, lr, threads));
        o.flush();
        List<TrainResult> results = new ArrayList<>();
        for (LossKind k : kinds) {
            TrainResult r = trainer.run(k, new ProgressBar(err, k.id()));
            results.add(r);
            Path png = out.resolve("train-" + k.id() + ".png");
            write(List.of(r), png);
            o.println("curves: " + png);
            o.println(r.line());
            o.flush();
        }
        if (compare) {
            Path png = out.resolve("train-compare.png");
            write(results, png);
            o.println("curves: " + png);
            o.println(table(results));
            o.flush();
        }
    }

    /** The comparison table (Markdown). */
    static String table(List<TrainResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| loss | iterations | seconds | final loss | mAP@0.5 | AP (COCO) |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (TrainResult r : results) {
            String name = switch (r.loss()) {
                case GHM -> "GHM-C + GHM-R";
                case GHMC -> "GHM-C + Smooth L1";
                case FOCAL -> "focal + Smooth L1";
                case BCE -> "BCE + Smooth L1";
            };
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.3f | %.3f | %.3f |%n", name, r.iterations(),
                    r.seconds(), r.finalLoss(), r.map50(), r.ap()));
        }
        return b.toString().stripTrailing();
    }

    private static void write(List<TrainResult> runs, Path png) {
        try {
            CurvePlot.write(runs, png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
