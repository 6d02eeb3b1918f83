package org.ghm4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.bench.BenchRunner;
import org.ghm4j.bench.Workload;
import org.ghm4j.core.Ghm;
import org.ghm4j.core.GhmBackends;
import org.ghm4j.core.ProviderInfo;
import org.ghm4j.detection.bench.DetectionBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghm bench}: forward + backward (loss and gradient) timings per backend and loss, one line per
 * case: {@code bench backend=java loss=ghmc elements=8000000 threads=2 median_s=0.0400 elements_per_s=2.00e8}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time GHM forward + backward on seeded batches (see docs/performance.md).")
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend to time (default: every available one).")
    String backend;

    @Option(names = "--loss", paramLabel = "LOSS",
            description = "ghmc, ghmr, categorical or detection (default: all).")
    String loss;

    @Option(names = "--elements", paramLabel = "N",
            description = {"Elements per batch (default: 8000000 for ghmc and categorical, 400000 for ghmr).",
                    "The detection case is always 2 images of 800x1333, 80 classes, 20 boxes each."})
    Integer elements;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "10", description = "Timed calls per case (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--threads", paramLabel = "T", description = "Kernel threads (default: one per processor).")
    Integer threads;

    @Override
    public void run() {
        if (repeat < 1) {
            throw new GhmCli.UsageException("--repeat must be >= 1, got " + repeat);
        }
        if (elements != null && elements < 1) {
            throw new GhmCli.UsageException("--elements must be >= 1, got " + elements);
        }
        if (threads != null && threads < 1) {
            throw new GhmCli.UsageException("--threads must be >= 1, got " + threads);
        }
        List<Workload> workloads = new ArrayList<>();
        boolean detection = loss == null || loss.equals("detection");
        if (loss == null) {
            workloads.addAll(List.of(Workload.values()));
        } else if (!detection) {
            try {
                workloads.add(Workload.of(loss));
            } catch (IllegalArgumentException e) {
                throw new GhmCli.UsageException("--loss: " + e.getMessage());
            }
        }
        GhmBackends registry = Ghm.registry();
        List<String> names = new ArrayList<>();
        if (backend != null) {
            names.add(registry.select(backend).provider().name());
        } else {
            for (ProviderInfo p : registry.providers()) {
                if (p.loaded() && p.availability().isAvailable()) {
                    names.add(p.name());
                }
            }
        }
        BackendOptions options = threads == null ? BackendOptions.defaults() : new BackendOptions(threads);
        int t = options.effectiveThreads();
        var out = spec.commandLine().getOut();
        for (String name : names) {
            try (GhmBackend b = registry.newBackend(name, options)) {
                for (Workload w : workloads) {
                    int n = elements != null ? elements : w == Workload.GHMR ? 400_000 : 8_000_000;
                    out.println(BenchRunner.run(b, t, w, n, Math.max(3, repeat / 2), repeat).line());
                    out.flush();
                }
                if (detection) {
                    DetectionBenchmark.Report r = DetectionBenchmark.measure(b, repeat);
                    long n = (long) DetectionBenchmark.IMAGES * r.anchorsPerImage() * DetectionBenchmark.CLASSES;
                    out.println(new BenchRunner.Result(name, "detection", n, t, r.step()).line());
                    out.flush();
                    spec.commandLine().getErr().println("  (" + r.line(name).replace("bench ", "detail: ") + ")");
                }
            }
        }
    }
}
