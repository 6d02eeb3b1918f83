package org.ghm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.Histogram;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The state rules, GHM-5. Part of {@link GhmBackendVerification}; extend that class. */
public abstract class StateRulesVerification extends LossRulesVerification {

    private List<Batch> ghmcSteps(long seed, int count) {
        Random r = random(seed);
        Batch.Spec spec = new Batch.Spec().rows(20).classes(3).bins(30);
        return steps(count, () -> Batch.ghmc(r, spec));
    }

    @Test
    @DisplayName("GHM-5.1 snapshot, restore and reset: a restored instance continues exactly like the original")
    void required_ghm5_1_snapshotRestoreAndReset() {
        List<Batch> s = ghmcSteps(50, 5);
        Expect e = Expect.rule("GHM-5.1");
        HarmonizedLoss a = backend.loss(GhmcConfig.mmdetection());
        a.compute(s.get(0).input());
        a.compute(s.get(1).input());
        DensityState snap = a.snapshot();
        e.exact("steps after two calls", 2, snap.steps());
        Outcome third = Outcome.of(e, a, s.get(2).input());
        e.isTrue(snap.equals(a.snapshot()) == false, "the state did not move on a committed call");
        e.isTrue(snap.steps() == 2, "a snapshot changed after a later call (snapshots must be immutable copies)");
        HarmonizedLoss b = backend.loss(GhmcConfig.mmdetection());
        b.restore(snap);
        Outcome again = Outcome.of(e.at("restored into a new instance"), b, s.get(2).input());
        Outcome.compare(e.at("restored into a new instance"), third, again, s.get(2).shape(), s.get(2).shape(),
                tolerances());
        a.restore(snap);
        Outcome same = Outcome.of(e.at("restored into the same instance"), a, s.get(2).input());
        Outcome.compare(e.at("restored into the same instance"), third, same, s.get(2).shape(), s.get(2).shape(),
                tolerances());
        a.reset();
        DensityState zero = a.snapshot();
        e.exact("steps after reset", 0, zero.steps());
        e.array("S after reset", new int[] {30}, new double[30], zero.accumulator(), 0, 0);
        HarmonizedLoss fresh = backend.loss(GhmcConfig.mmdetection());
        Outcome.compare(e.at("after reset vs a new instance"), Outcome.of(e, fresh, s.get(3).input()),
                Outcome.of(e, a, s.get(3).input()), s.get(3).shape(), s.get(3).shape(), tolerances());
    }

    @Test
    @DisplayName("GHM-5.1 restoring a snapshot of other bins, momentum or mode is refused (GHM-STATE-MISMATCH) and changes nothing")
    void required_ghm5_1_mismatchedSnapshotIsRefused() {
        Expect e = Expect.rule("GHM-5.1");
        HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
        loss.compute(ghmcSteps(51, 1).get(0).input());
        DensityState before = loss.snapshot();
        List<DensityState> wrong = List.of(
                new DensityState(10, 0.75, DensityMode.HARMONIZED, new double[10], 3),
                new DensityState(30, 0.5, DensityMode.HARMONIZED, new double[30], 3),
                new DensityState(30, 0.75, DensityMode.SEED, new double[30], 3));
        for (DensityState w : wrong) {
            RuntimeException ex = ExpectError.thrown(e, "restore(" + w + ") into GhmcConfig.mmdetection()",
                    () -> loss.restore(w), ErrorId.STATE_MISMATCH);
            e.isTrue(before.equals(loss.snapshot()), "a refused restore changed the state: " + loss.snapshot()
                    + " (" + ex.getMessage() + ")");
        }
    }

    @Test
    @DisplayName("GHM-5.2 snapshot -> toBytes -> fromBytes -> restore gives bit-identical results on the next call")
    void required_ghm5_2_serializedStateResumesBitExactly() {
        List<Batch> s = ghmcSteps(52, 4);
        Expect e = Expect.rule("GHM-5.2");
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.mmdetection(), GhmrConfig.retinanet())) {
            boolean ghmc = config instanceof GhmcConfig;
            Random r = random(53);
            List<Batch> steps = ghmc ? s : steps(4, () -> Batch.ghmr(r, new Batch.Spec().rows(20).classes(4), 0.02));
            HarmonizedLoss a = backend.loss(config);
            a.compute(steps.get(0).input());
            a.compute(steps.get(1).input());
            byte[] bytes = a.snapshot().toBytes();
            HarmonizedLoss b = backend.loss(config);
            b.restore(DensityState.fromBytes(bytes));
            e.isTrue(a.snapshot().equals(b.snapshot()), "restored state " + b.snapshot() + " differs from " + a.snapshot());
            for (int i = 2; i < 4; i++) {
                Outcome x = Outcome.of(e, a, steps.get(i).input());
                Outcome y = Outcome.of(e, b, steps.get(i).input());
                Expect at = e.at(config + ", call " + i + " after resuming");
                at.identical("loss", new int[] {1}, new double[] {x.loss()}, new double[] {y.loss()});
                at.identical("gradient", steps.get(i).shape(), x.grad(), y.grad());
                at.identical("weights", steps.get(i).shape(), x.weights(), y.weights());
                at.identical("state S", new int[] {config.bins()}, x.state().accumulator(), y.state().accumulator());
            }
        }
    }

    @Test
    @DisplayName("GHM-5.3 a call that fails (bad value at the last element, wrong output buffer) leaves the state exactly as it was")
    void required_ghm5_3_failedCallLeavesStateUntouched() {
        List<Batch> s = ghmcSteps(54, 3);
        Expect e = Expect.rule("GHM-5.3");
        HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
        HarmonizedLoss twin = backend.loss(GhmcConfig.mmdetection());
        loss.compute(s.get(0).input());
        twin.compute(s.get(0).input());
        Batch b = s.get(1);
        int last = b.length() - 1;
        List<Runnable> bad = new ArrayList<>();
        List<String> what = new ArrayList<>();
        float[] nanPred = b.pred().clone();
        nanPred[last] = Float.NaN;
        bad.add(() -> loss.compute(b.withPred(nanPred).input()));
        what.add("NaN logit at the last element");
        float[] badTarget = b.target().clone();
        badTarget[last] = 1.5f;
        bad.add(() -> loss.compute(b.withTarget(badTarget).input()));
        what.add("target 1.5 at the last element");
        float[] badWeight = b.weight().clone();
        badWeight[last] = Float.POSITIVE_INFINITY;
        bad.add(() -> loss.compute(b.withWeight(badWeight, b.weightShape()).input()));
        what.add("infinite label weight at the last element");
        bad.add(() -> loss.compute(b.input(), new LossOutput().gradientInto(Tensor.zeros(DType.FLOAT32, 2, 2))));
        what.add("a supplied gradient buffer of shape [2, 2]");
        for (int i = 0; i < bad.size(); i++) {
            DensityState before = loss.snapshot();
            ExpectError.thrown(e, what.get(i), bad.get(i), ErrorId.INPUT_NONFINITE, ErrorId.INPUT_RANGE,
                    ErrorId.INPUT_SHAPE);
            DensityState after = loss.snapshot();
            e.isTrue(before.equals(after), what.get(i) + ": the state moved on a failed call: before " + before
                    + ", after " + after);
        }
        GradientDensityEstimator est = backend.estimator(EstimatorConfig.ghmc());
        est.estimate(Tensor.of(new float[] {0.1f, 0.5f, 0.9f}, 3), null);
        DensityState estBefore = est.snapshot();
        ExpectError.thrown(e, "estimator with g = 2 at the last element", () -> est.estimate(
                Tensor.of(new float[] {0.1f, 0.5f, 2f}, 3), null), ErrorId.INPUT_RANGE);
        e.isTrue(estBefore.equals(est.snapshot()), "estimator: the state moved on a failed call: before " + estBefore
                + ", after " + est.snapshot());
        if (backend.has(org.ghm4j.api.Capability.CATEGORICAL)) {
            HarmonizedLoss cat = backend.loss(CategoricalConfig.harmonizedCategorical());
            Batch c = Batch.categorical(random(54), new Batch.Spec().rows(4).classes(3).invalid(0),
                    org.ghm4j.api.config.CategoricalMode.HARMONIZED, 1e-7);
            cat.compute(c.input());
            DensityState catBefore = cat.snapshot();
            float[] y = c.target().clone();
            y[y.length - 1] = Float.NaN;
            ExpectError.thrown(e, "categorical target NaN at the last element", () -> cat.compute(c.withTarget(y).input()),
                    ErrorId.INPUT_NONFINITE);
            e.isTrue(catBefore.equals(cat.snapshot()), "categorical: the state moved on a failed call: before "
                    + catBefore + ", after " + cat.snapshot());
        }
        Outcome.compare(e.at("next good call after the failures vs an instance that never failed"),
                Outcome.of(e, twin, s.get(2).input()), Outcome.of(e, loss, s.get(2).input()), s.get(2).shape(),
                s.get(2).shape(), tolerances());
    }

    @Test
    @DisplayName("GHM-5.4 concurrent calls on one instance are atomic: the final state equals some serial order")
    void required_ghm5_4_concurrentCallsEqualSomeSerialOrder() throws Exception {
        int threads = 4;
        List<Batch> batches = ghmcSteps(55, threads);
        List<int[]> orders = permutations(threads);
        List<DensityState> serial = new ArrayList<>();
        for (int[] order : orders) {
            HarmonizedLoss l = backend.loss(GhmcConfig.mmdetection());
            for (int i : order) {
                l.compute(batches.get(i).input());
            }
            serial.add(l.snapshot());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 8; round++) {
                HarmonizedLoss shared = backend.loss(GhmcConfig.mmdetection());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    LossInput in = batches.get(t).input();
                    done.add(pool.submit(() -> {
                        start.await();
                        return shared.compute(in, new LossOutput());
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    get(f);
                }
                DensityState end = shared.snapshot();
                boolean matches = false;
                for (DensityState candidate : serial) {
                    boolean close = candidate.steps() == end.steps();
                    for (int k = 0; close && k < candidate.bins(); k++) {
                        close = Expect.close(candidate.accumulator(k), end.accumulator(k), 0, tolerances().stateRtol());
                    }
                    matches |= close;
                }
                Expect.rule("GHM-5.4").at("round " + round + ", " + threads + " threads").isTrue(matches,
                        "the final state " + end + " equals no serial order of the " + threads + " calls (e.g. "
                                + serial.get(0) + ")");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("GHM-5.4 / StateUpdate.PREVIEW returns what COMMIT would return and does not move the state")
    void required_ghm5_4_previewDoesNotMoveState() {
        Expect e = Expect.rule("GHM-5.4");
        Random r = random(56);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.mmdetection(), GhmrConfig.retinanet())) {
            boolean ghmc = config instanceof GhmcConfig;
            Batch.Spec spec = new Batch.Spec().rows(15).classes(4).bins(config.bins());
            List<Batch> s = steps(2, () -> ghmc ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02));
            HarmonizedLoss loss = backend.loss(config);
            loss.compute(s.get(0).input());
            DensityState before = loss.snapshot();
            Outcome preview = Outcome.of(e, loss, s.get(1).input(), StateUpdate.PREVIEW);
            e.at(config + ", PREVIEW").isTrue(before.equals(loss.snapshot()),
                    "PREVIEW moved the state: before " + before + ", after " + loss.snapshot());
            Outcome commit = Outcome.of(e, loss, s.get(1).input(), StateUpdate.COMMIT);
            Outcome previewWithCommitState = new Outcome(preview.loss(), preview.grad(), preview.weights(), null,
                    preview.counts(), preview.tot(), commit.state());
            Outcome.compare(e.at(config + ", PREVIEW vs COMMIT"), commit, previewWithCommitState, s.get(1).shape(),
                    s.get(1).shape(), tolerances());
        }
    }

    @Test
    @DisplayName("GHM-5.5 with a summing synchronizer, W workers on W shards get the state and weights of one worker on the whole batch")
    void required_ghm5_5_synchronizedWorkersEqualOneWorker() throws Exception {
        int workers = 3;
        Random r = random(57);
        List<LossConfig> configs = new ArrayList<>(List.of(GhmcConfig.mmdetection(), GhmrConfig.retinanet()));
        if (backend.has(org.ghm4j.api.Capability.CATEGORICAL)) {
            configs.add(CategoricalConfig.harmonizedCategorical());
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            for (LossConfig config : configs) {
                HarmonizedLoss whole = backend.loss(config);
                List<HarmonizedLoss> shards = new ArrayList<>();
                SummingSynchronizer sync = new SummingSynchronizer(workers);
                for (int w = 0; w < workers; w++) {
                    HarmonizedLoss l = backend.loss(config);
                    l.synchronizer(sync.worker(w));
                    shards.add(l);
                }
                for (int step = 0; step < 3; step++) {
                    Batch.Spec spec = new Batch.Spec().rows(7 * workers).classes(4).bins(config.bins());
                    Batch all = config instanceof GhmcConfig ? Batch.ghmc(r, spec)
                            : config instanceof GhmrConfig ? Batch.ghmr(r, spec, 0.02)
                            : Batch.categorical(r, spec, org.ghm4j.api.config.CategoricalMode.HARMONIZED, 1e-7);
                    Expect e = Expect.rule("GHM-5.5").at(config + ", step " + step + ", " + workers + " workers");
                    Outcome one = Outcome.of(e, whole, all.input());
                    List<Future<Outcome>> parts = new ArrayList<>();
                    for (int w = 0; w < workers; w++) {
                        Batch shard = rows(all, w * 7, 7);
                        HarmonizedLoss l = shards.get(w);
                        parts.add(pool.submit(() -> Outcome.of(e, l, shard.input())));
                    }
                    for (int w = 0; w < workers; w++) {
                        Outcome part = get(parts.get(w));
                        Expect at = e.at(config + ", step " + step + ", worker " + w + " of " + workers);
                        at.counts("synchronized R", one.counts(), part.counts());
                        at.array("state S", new int[] {config.bins()}, one.state().accumulator(),
                                part.state().accumulator(), 0.0, tolerances().stateRtol());
                        double[] expected = new double[7 * 4];
                        System.arraycopy(one.weights(), w * 7 * 4, expected, 0, expected.length);
                        at.array("weights of the shard's rows", new int[] {7, 4}, expected, part.weights(), 0.0,
                                tolerances().weightRtol());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("GHM-5.5 a momentum-0 batch split in two, each half given the whole batch's (R, tot), gives the whole batch's weights")
    void required_ghm5_5_splitMomentumZeroBatchWithGlobalHistogram() {
        Random r = random(58);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.builder().momentum(0).reduction(Reduction.SUM).build(),
                GhmrConfig.builder().reduction(Reduction.SUM).build())) {
            Batch.Spec spec = new Batch.Spec().rows(20).classes(3).bins(config.bins());
            Batch all = config instanceof GhmcConfig ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02);
            Expect e = Expect.rule("GHM-5.5").at(config + ", rows 0-11 and 12-19");
            Outcome whole = Outcome.of(e, backend.loss(config), all.input());
            Histogram global = new Histogram(whole.counts(), whole.tot());
            double lossSum = 0;
            int[][] halves = {{0, 12}, {12, 8}};
            for (int[] h : halves) {
                HarmonizedLoss l = backend.loss(config);
                l.synchronizer(local -> new Histogram(global.counts().clone(), global.tot()));
                Batch part = rows(all, h[0], h[1]);
                Outcome o = Outcome.of(e, l, part.input());
                double[] expected = new double[h[1] * 3];
                System.arraycopy(whole.weights(), h[0] * 3, expected, 0, expected.length);
                e.as("GHM-5.5").array("weights of rows " + h[0] + ".." + (h[0] + h[1] - 1), part.shape(), expected,
                        o.weights(), 0.0, tolerances().weightRtol());
                lossSum += o.loss();
            }
            e.scalar("sum of the halves' SUM losses", whole.loss(), lossSum, 0.0, tolerances().lossRtol());
        }
    }

    @Test
    @DisplayName("GHM-5.6 several calls per training step each update the state (one step per call)")
    void required_ghm5_6_everyCallUpdatesTheState() {
        List<Batch> levels = ghmcSteps(59, 3);
        agreeWithOracle(Expect.rule("GHM-5.6").at("three calls (FPN levels) in one step"), GhmcConfig.mmdetection(), levels);
        HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
        for (Batch b : levels) {
            loss.compute(b.input());
        }
        Expect.rule("GHM-5.6").exact("steps after three calls", 3, loss.snapshot().steps());
    }

    /** Rows [from, from + count) of a [N, C] batch (with per-element or per-row weights). */
    static Batch rows(Batch b, int from, int count) {
        int c = b.shape()[1];
        float[] x = new float[count * c];
        float[] t = new float[count * c];
        System.arraycopy(b.pred(), from * c, x, 0, x.length);
        System.arraycopy(b.target(), from * c, t, 0, t.length);
        float[] w = null;
        int[] ws = null;
        if (b.weight() != null) {
            boolean perRow = b.weightShape().length == 1 && b.shape().length > 1;
            w = new float[perRow ? count : count * c];
            System.arraycopy(b.weight(), perRow ? from : from * c, w, 0, w.length);
            ws = perRow ? new int[] {count} : new int[] {count, c};
        }
        return new Batch(x, t, w, new int[] {count, c}, ws);
    }

    static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) ex.getCause();
        } catch (TimeoutException ex) {
            throw new AssertionError("a concurrent loss call did not return (deadlock?)", ex);
        }
    }

    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[depth] = i;
                permute(cur, used, depth + 1, out);
                used[i] = false;
            }
        }
    }
}
