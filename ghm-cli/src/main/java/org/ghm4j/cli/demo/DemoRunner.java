package org.ghm4j.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.error.BackendException;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.GhmError;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.core.GhmBackends;
import org.ghm4j.core.ProviderInfo;
import org.ghm4j.detection.loss.BinaryCrossEntropyLoss;
import org.ghm4j.detection.loss.CallReport;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.LevelPolicy;
import org.ghm4j.detection.loss.SmoothL1Loss;
import org.ghm4j.detection.target.LevelCounts;

/**
 * Runs the demo: builds the {@link DemoBatch}, runs mmdetection's {@code retinanet_ghm} loss (GHM-C +
 * GHM-R, per level) on every chosen backend for {@code steps} steps (fresh head outputs each step,
 * one shared sequence for all backends), then the baselines (BCE + Smooth L1 and focal loss + Smooth
 * L1, plain Java) on the last step, and prints:
 * <ul>
 *   <li>the batch and its anchors per level (positive / negative / ignored / invalid);</li>
 *   <li>per step and backend the losses and the EMA states of GHM-C and GHM-R after the step's last
 *       level (as a bar per bin, log scale) with the largest relative change of S since the last step;</li>
 *   <li>the losses of the last step with the median time per step of each backend and baseline;</li>
 *   <li>the largest difference between backends over all steps (loss, gradients, states), checked
 *       against the tolerances of GHM-9.3;</li>
 *   <li>where each loss's classification gradient comes from (easy, hard, outliers) and a check that
 *       GHM-C's bin counts equal an independent count;</li>
 *   <li>the path of the figure ({@link GradientFigure}).</li>
 * </ul>
 * The first backend run is the reference for the comparison and the figure. Before the shown steps
 * every backend and baseline runs once on a warm-up batch (step 0) with a throw-away loss instance,
 * so timings are of warm code and the shown states start from zero.
 */
public final class DemoRunner {
    /** Easy elements have g below this, outliers g from {@link #OUTLIER_G} up (the figure's regions). */
    static final double EASY_G = 0.1;
    static final double OUTLIER_G = 0.9;

    private final DemoOptions options;
    private final GhmBackends registry;
    private final PrintWriter out;
    private final Progress progress;
    private final boolean unicode;

    /**
     * @param options  what to run
     * @param registry where backends come from ({@code Ghm.registry()})
     * @param out      the report (stdout)
     * @param progress the progress line (stderr)
     * @param charset  the charset of {@code out}: bars use block characters when it can encode them
     */
    public DemoRunner(DemoOptions options, GhmBackends registry, PrintWriter out, Progress progress, Charset charset) {
        this.options = options;
        this.registry = registry;
        this.out = out;
        this.progress = progress;
        this.unicode = charset.newEncoder().canEncode("\u2581\u2588");
    }

    /** Runs the demo; returns what it computed and wrote. */
    public DemoResult run() {
        List<String> names = backendNames();
        progress.phase("building the batch (anchors, assignment, targets)");
        DemoBatch batch = new DemoBatch(options.seed());
        progress.clear();
        printBatch(batch);
        printBackends(names);

        List<GhmBackend> backends = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        try {
            Map<String, DetectionLoss> losses = new LinkedHashMap<>();
            Map<String, GhmBackend> started = new LinkedHashMap<>();
            for (String name : names) {
                progress.phase("starting backend " + name);
                try {
                    GhmBackend b = registry.newBackend(name, BackendOptions.defaults());
                    backends.add(b);
                    started.put(name, b);
                    losses.put(name, DetectionLoss.retinanetGhm(b));
                } catch (RuntimeException e) {
                    failures.put(name, "failed to start: " + describe(e));
                }
            }
            DetectionLoss bce = new DetectionLoss(new BinaryCrossEntropyLoss(1.0), SmoothL1Loss.retinanet(),
                    LevelPolicy.PER_LEVEL);
            DetectionLoss focal = DetectionLoss.retinanetFocal();

            progress.phase("warming up");
            DemoBatch.HeadOutputs warm = batch.headOutputs(0);
            for (var it = started.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, GhmBackend> b = it.next();
                try {
                    DetectionLoss.retinanetGhm(b.getValue()).compute(batch.targets(), warm.logits(), warm.deltas());
                } catch (RuntimeException e) {
                    losses.remove(b.getKey());
                    failures.put(b.getKey(), "failed on the warm-up batch: " + describe(e));
                }
            }
            bce.compute(batch.targets(), warm.logits(), warm.deltas());
            focal.compute(batch.targets(), warm.logits(), warm.deltas());
            progress.clear();
            printFailures(failures);
            if (losses.isEmpty()) {
                throw new BackendException(ErrorId.BACKEND_FAILED, "no backend could run the demo: " + failures);
            }
            return steps(batch, losses, bce, focal, failures);
        } finally {
            for (GhmBackend b : backends) {
                b.close();
            }
        }
    }

    private void printFailures(Map<String, String> failures) {
        for (Map.Entry<String, String> f : failures.entrySet()) {
            out.println("FAILED   backend " + f.getKey() + " " + f.getValue());
        }
        out.flush();
    }

    private static String describe(RuntimeException e) {
        return e instanceof GhmError || e.getMessage() == null ? String.valueOf(e.getMessage()) : e.toString();
    }

    private DemoResult steps(DemoBatch batch, Map<String, DetectionLoss> losses, DetectionLoss bce,
                             DetectionLoss focal, Map<String, String> failures) {
        int steps = options.steps();
        Map<String, long[]> times = new LinkedHashMap<>();
        for (String name : losses.keySet()) {
            times.put(name, new long[steps]);
        }
        Map<String, DensityState> previous = new LinkedHashMap<>();
        BackendDifference difference = new BackendDifference();
        Map<String, DetectionLossResult> last = new LinkedHashMap<>();
        DemoBatch.HeadOutputs outputs = null;
        out.println();
        out.println("EMA state after each step's last level (one bar per bin, height ~ log S_k; GHM-C 30 bins,"
                + " GHM-R 10 bins;");
        out.println("S_0 = GHM-C's easy bin; change = sum_k |S_k - S_k of the previous step| / sum_k S_k)");
        out.printf(Locale.ROOT, "%4s  %-8s %10s %10s  %-30s %9s  %-10s  %s%n", "step", "backend", "loss_cls",
                "loss_bbox", "GHM-C S_k", "S_0", "GHM-R S_k", "change");
        out.flush();
        for (int s = 1; s <= steps; s++) {
            progress.phase("step " + s + "/" + steps);
            outputs = batch.headOutputs(s);
            DetectionLossResult reference = null;
            List<String> lines = new ArrayList<>();
            for (var it = losses.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, DetectionLoss> e = it.next();
                long t0 = System.nanoTime();
                DetectionLossResult r;
                try {
                    r = e.getValue().compute(batch.targets(), outputs.logits(), outputs.deltas());
                } catch (RuntimeException ex) {
                    it.remove();
                    failures.put(e.getKey(), "failed at step " + s + ": " + describe(ex));
                    lines.add(String.format(Locale.ROOT, "%4d  %-8s FAILED: %s", s, e.getKey(), describe(ex)));
                    continue;
                }
                times.get(e.getKey())[s - 1] = System.nanoTime() - t0;
                if (reference == null) {
                    reference = r;
                } else {
                    difference.add(e.getKey(), reference, r);
                }
                DensityState cls = lastState(r, true);
                DensityState reg = lastState(r, false);
                DensityState before = previous.put(e.getKey(), cls);
                lines.add(String.format(Locale.ROOT, "%4d  %-8s %10.6f %10.6f  %-30s %9.3e  %-10s  %s", s,
                        e.getKey(), r.lossCls(), r.lossBbox(), bars(cls, batch.numElements()), cls.accumulator(0),
                        bars(reg, 4L * batch.targets().numPositives()), change(before, cls)));
                if (s == steps) {
                    last.put(e.getKey(), r);
                }
            }
            progress.clear();
            lines.forEach(out::println);
            out.flush();
        }

        if (last.isEmpty()) {
            throw new BackendException(ErrorId.BACKEND_FAILED, "every backend failed: " + failures);
        }
        progress.phase("baselines (BCE, focal loss, Smooth L1)");
        long t0 = System.nanoTime();
        DetectionLossResult bceResult = bce.compute(batch.targets(), outputs.logits(), outputs.deltas());
        long bceTime = System.nanoTime() - t0;
        t0 = System.nanoTime();
        DetectionLossResult focalResult = focal.compute(batch.targets(), outputs.logits(), outputs.deltas());
        long focalTime = System.nanoTime() - t0;
        progress.clear();

        printLosses(steps, last, times, bceResult, bceTime, focalResult, focalTime);
        printDifference(losses.keySet(), difference);

        progress.phase("binning gradients for the figure");
        String reference = last.keySet().iterator().next();
        DetectionLossResult ghm = last.get(reference);
        Map<String, float[][][]> gradients = new LinkedHashMap<>();
        gradients.put("ce", bceResult.gradCls());
        gradients.put("focal", focalResult.gradCls());
        gradients.put("ghmc", ghm.gradCls());
        GhmcConfig ghmc = GhmcConfig.retinanet();
        GradientFigureData data = GradientFigureData.of(batch.targets(), outputs.logits(), ghmc.bins(), gradients,
                "ghmc", "ce");
        long[] backendCounts = binCounts(ghm, ghmc.bins());
        progress.clear();
        printShares(data, Arrays.equals(backendCounts, data.counts()), reference);

        progress.phase("drawing the figure");
        List<Path> files = writeFigure(batch, data, reference, steps);
        progress.clear();
        out.println();
        out.println("figure  " + files.get(0) + (files.size() > 1 ? "  (vector: " + files.get(1) + ")" : ""));
        out.flush();
        printFailures(failures);
        return new DemoResult(batch, last, bceResult, focalResult, data, backendCounts, difference, files,
                Map.copyOf(failures));
    }

    private List<String> backendNames() {
        List<String> names = new ArrayList<>();
        if (options.backend() != null) {
            names.add(registry.select(options.backend()).provider().name());
            return names;
        }
        for (ProviderInfo p : registry.providers()) {
            if (p.loaded() && p.availability().isAvailable()) {
                names.add(p.name());
            }
        }
        if (names.isEmpty()) {
            // select() throws the GHM-BACKEND-NONE / -UNAVAILABLE error with the list of what was found.
            names.add(registry.select().provider().name());
        }
        return names;
    }

    private void printBatch(DemoBatch batch) {
        var grid = batch.grid();
        out.printf(Locale.ROOT, "ghm demo: GHM-C + GHM-R against BCE, focal loss and Smooth L1 on a RetinaNet batch"
                + " (seed %d, %d step%s)%n", options.seed(), options.steps(), options.steps() == 1 ? "" : "s");
        out.println();
        out.printf(Locale.ROOT, "batch    %d images in a %dx%d input (image 1 is %dx%d, padded to %dx%d), %d classes,"
                        + " %d gt boxes%n", DemoBatch.IMAGES, DemoBatch.SIZE, DemoBatch.SIZE, DemoBatch.SIZE,
                DemoBatch.SECOND_HEIGHT, DemoBatch.SIZE, DemoBatch.SECOND_PAD_HEIGHT, DemoBatch.NUM_CLASSES,
                batch.numBoxes());
        out.printf(Locale.ROOT, "anchors  P3-P7 (strides 8-128, %d per location): %,d per image; %,d anchor x class"
                + " elements%n", grid.numBaseAnchors(), grid.totalAnchors(), batch.numElements());
        out.println();
        out.printf(Locale.ROOT, "%-16s %9s %9s %9s %9s%n", "anchors", "positive", "negative", "ignored", "invalid");
        LevelCounts[] counts = batch.targets().countsPerLevel();
        for (int l = 0; l < counts.length; l++) {
            LevelCounts c = counts[l];
            out.printf(Locale.ROOT, "  P%d stride %-4d %,9d %,9d %,9d %,9d%n", l + 3, grid.config().stride(l), c.pos(),
                    c.neg(), c.ignored(), c.invalid());
        }
        LevelCounts t = batch.totalCounts();
        out.printf(Locale.ROOT, "  %-14s %,9d %,9d %,9d %,9d%n", "all levels", t.pos(), t.neg(), t.ignored(),
                t.invalid());
    }

    private void printBackends(List<String> chosen) {
        out.println();
        StringBuilder sb = new StringBuilder("backends ");
        sb.append(String.join(", ", chosen));
        List<String> others = new ArrayList<>();
        for (ProviderInfo p : registry.providers()) {
            if (!chosen.contains(p.name())) {
                if (!p.loaded()) {
                    others.add(p.name() + " (failed to load)");
                } else if (options.backend() != null) {
                    others.add(p.name() + " (not chosen)");
                } else {
                    others.add(p.name() + " (" + p.availability() + ")");
                }
            }
        }
        if (!others.isEmpty()) {
            sb.append("; also found: ").append(String.join(", ", others));
        }
        out.println(sb);
        out.flush();
    }

    private void printLosses(int steps, Map<String, DetectionLossResult> last, Map<String, long[]> times,
                             DetectionLossResult bce, long bceTime, DetectionLossResult focal, long focalTime) {
        out.println();
        out.printf(Locale.ROOT, "%-30s %10s %10s %10s %10s%n", "losses at step " + steps, "loss_cls", "loss_bbox",
                "total", "time/step");
        for (Map.Entry<String, DetectionLossResult> e : last.entrySet()) {
            lossLine("GHM-C + GHM-R", e.getKey(), e.getValue(), median(times.get(e.getKey())));
        }
        lossLine("BCE + Smooth L1", "plain Java", bce, bceTime);
        lossLine("focal + Smooth L1", "plain Java", focal, focalTime);
        out.println("  (time: loss forward + backward over all 5 levels of both images; GHM: median over the steps,"
                + " baselines: the last step)");
    }

    private void lossLine(String loss, String backend, DetectionLossResult r, long nanos) {
        out.printf(Locale.ROOT, "  %-17s %-10s %10.6f %10.6f %10.6f %7d ms%n", loss, backend, r.lossCls(), r.lossBbox(),
                r.total(), Math.round(nanos / 1e6));
    }

    private void printDifference(java.util.Set<String> names, BackendDifference d) {
        out.println();
        if (names.size() < 2) {
            out.println("largest difference between backends: only " + names.iterator().next()
                    + " ran, nothing to compare");
            return;
        }
        out.printf(Locale.ROOT, "largest difference between backends (%s against %s, all steps):%n",
                String.join(", ", d.compared()), names.iterator().next());
        out.printf(Locale.ROOT, "  loss %.2e (relative), gradient %.2e (max |diff| / max |gradient|),"
                        + " state %.2e (relative) -> %s%n", d.loss(), d.gradient(), d.state(),
                d.withinTolerance() ? "within the GHM-9.3 tolerances" : "OUTSIDE the GHM-9.3 tolerances");
    }

    private void printShares(GradientFigureData data, boolean countsAgree, String reference) {
        out.println();
        out.printf(Locale.ROOT, "where the classification gradient comes from (share of sum |dL/dx|, %,d valid"
                + " elements)%n", data.total());
        out.printf(Locale.ROOT, "  %-8s %16s %22s %20s%n", "", "easy (g < " + EASY_G + ")",
                "medium", "outliers (g >= " + OUTLIER_G + ")");
        long[] counts = data.counts();
        long easy = 0;
        long outliers = 0;
        for (int k = 0; k < counts.length; k++) {
            if (data.edges()[k + 1] <= EASY_G + 1e-6) {
                easy += counts[k];
            } else if (data.edges()[k] >= OUTLIER_G - 1e-6) {
                outliers += counts[k];
            }
        }
        double total = data.total();
        out.printf(Locale.ROOT, "  %-8s %15.3f%% %21.3f%% %19.3f%%%n", "elements", 100 * easy / total,
                100 * (total - easy - outliers) / total, 100 * outliers / total);
        for (String loss : data.losses()) {
            double e = data.shareBelow(loss, EASY_G);
            double o = data.shareFrom(loss, OUTLIER_G);
            out.printf(Locale.ROOT, "  %-8s %15.1f%% %21.1f%% %19.1f%%%n", label(loss), 100 * e, 100 * (1 - e - o),
                    100 * o);
        }
        out.println("  GHM-C's bin counts R_k (" + reference + ", summed over the levels) "
                + (countsAgree ? "equal" : "DIFFER FROM") + " an independent count of the same elements");
    }

    private List<Path> writeFigure(DemoBatch batch, GradientFigureData data, String backend, int steps) {
        GhmcConfig c = GhmcConfig.retinanet();
        String title = "What GHM-C does to a detector's classification gradients";
        String subtitle = String.format(Locale.ROOT, "RetinaNet head, %d images %dx%d, anchors P3-P7, %d classes,"
                        + " %d gt boxes, %,d valid anchor x class elements; seed %d, step %d of %d, backend %s;"
                        + " GHM-C %d bins, momentum %s; focal alpha 0.25, gamma 2", DemoBatch.IMAGES, DemoBatch.SIZE,
                DemoBatch.SIZE, DemoBatch.NUM_CLASSES, batch.numBoxes(), data.total(), options.seed(), steps, steps,
                backend, c.bins(), c.momentum());
        List<String> labels = new ArrayList<>();
        for (String loss : data.losses()) {
            labels.add(label(loss));
        }
        GradientFigure figure = new GradientFigure(data, labels, title, subtitle);
        try {
            Files.createDirectories(options.out());
            Path png = options.out().resolve("ghm-demo.png");
            figure.writePng(png);
            List<Path> files = new ArrayList<>(List.of(png));
            if (options.svg()) {
                Path svg = options.out().resolve("ghm-demo.svg");
                figure.writeSvg(svg);
                files.add(svg);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the figure into " + options.out() + ": " + e.getMessage(), e);
        }
    }

    static String label(String loss) {
        return switch (loss) {
            case "ce" -> "CE";
            case "focal" -> "focal";
            case "ghmc" -> "GHM-C";
            default -> loss;
        };
    }

    /** R_k summed over the GHM-C calls of a step (what the backend counted). */
    static long[] binCounts(DetectionLossResult r, int bins) {
        long[] sum = new long[bins];
        for (CallReport call : r.calls()) {
            if (call.clsStats() != null) {
                long[] c = call.clsStats().counts();
                for (int k = 0; k < bins; k++) {
                    sum[k] += c[k];
                }
            }
        }
        return sum;
    }

    private static DensityState lastState(DetectionLossResult r, boolean cls) {
        List<CallReport> calls = r.calls();
        CallReport c = calls.get(calls.size() - 1);
        return cls ? c.clsStateAfter() : c.regStateAfter();
    }

    /** One character per bin: height ~ log10(S_k) / log10(max), blank for S_k = 0. */
    String bars(DensityState state, long max) {
        if (state == null) {
            return "-";
        }
        String levels = unicode ? "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588" : "_.-=+*#@";
        double top = Math.log10(Math.max(max, 10));
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < state.bins(); k++) {
            double s = state.accumulator(k);
            if (s <= 0) {
                sb.append(' ');
            } else {
                double f = Math.max(0, Math.log10(Math.max(s, 1))) / top;
                sb.append(levels.charAt((int) Math.min(levels.length() - 1, Math.round(f * (levels.length() - 1)))));
            }
        }
        return sb.toString();
    }

    private static String change(DensityState before, DensityState now) {
        if (before == null || now == null) {
            return "-";
        }
        double diff = 0;
        double sum = 0;
        for (int k = 0; k < now.bins(); k++) {
            diff += Math.abs(now.accumulator(k) - before.accumulator(k));
            sum += now.accumulator(k);
        }
        return String.format(Locale.ROOT, "%.2f%%", sum > 0 ? 100 * diff / sum : 0.0);
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
