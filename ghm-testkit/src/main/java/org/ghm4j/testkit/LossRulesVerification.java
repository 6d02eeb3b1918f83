package org.ghm4j.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.config.TopEdge;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.testkit.oracle.OracleMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules of the losses themselves: GHM-1 (mechanism), GHM-2 (GHM-C), GHM-3 (categorical) and
 * GHM-4 (GHM-R). Part of {@link GhmBackendVerification}; extend that class.
 */
public abstract class LossRulesVerification extends VerificationBase {
    private static final OracleMath MATH = new OracleMath();
    private static final int[] EDGE_BINS = {1, 2, 3, 7, 10, 30, 100, 333, 999, 1000};

    // ---------------------------------------------------------------- GHM-1

    @Test
    @DisplayName("GHM-1.2 bins follow the float32 edges e_k = float32(k)/float32(M) at every edge and its float32 neighbours")
    void required_ghm1_2_binsFollowFloat32EdgesAtEveryNeighbour() {
        for (TopEdge top : TopEdge.values()) {
            for (int m : EDGE_BINS) {
                float[] edges = MATH.edges(m, top.value());
                List<Float> gs = new ArrayList<>();
                for (int k = 0; k <= m; k++) {
                    for (float g : new float[] {edges[k], Math.nextDown(edges[k]), Math.nextUp(edges[k])}) {
                        if (g >= 0f && g < top.value()) {
                            gs.add(g);
                        }
                    }
                }
                if (top != TopEdge.UNIT) {
                    gs.add(1.0f);
                }
                float[] g = new float[gs.size()];
                long[] expected = new long[m];
                for (int i = 0; i < g.length; i++) {
                    g[i] = gs.get(i);
                    expected[MATH.bin(g[i], edges)]++;
                }
                GradientDensityEstimator est = backend.estimator(
                        new EstimatorConfig(m, 0.0, DensityMode.HARMONIZED, top, TotRule.VALID_COUNT));
                BinStats stats = new BinStats();
                Tensor out = Tensor.zeros(DType.FLOAT32, g.length);
                est.estimate(Tensor.of(g, g.length), null, out, stats, StateUpdate.COMMIT);
                Expect.rule("GHM-1.2").at("M=" + m + ", top edge " + top + " (" + top.value()
                        + "), g = each edge and its float32 neighbours").counts("bin counts", expected, stats.counts());
            }
        }
    }

    @Test
    @DisplayName("GHM-1.2 / D-3 float64 g is compared with the float32 edges widened to float64")
    void optional_ghm1_2_float64GradNormsUseWidenedEdges() {
        requires("D-3", Capability.FLOAT64);
        for (int m : new int[] {7, 30, 1000}) {
            float[] edges = MATH.edges(m, TopEdge.GHMC.value());
            double[] g = new double[2 * (m - 1)];
            long[] expected = new long[m];
            for (int k = 1; k < m; k++) {
                g[2 * (k - 1)] = (double) edges[k] - 1e-12;
                g[2 * (k - 1) + 1] = (double) edges[k];
            }
            for (double v : g) {
                expected[MATH.bin(v, edges)]++;
            }
            GradientDensityEstimator est = backend.estimator(EstimatorConfig.ghmc().withBins(m).withMomentum(0.0));
            BinStats stats = new BinStats();
            est.estimate(Tensor.of(g, g.length), null, Tensor.zeros(DType.FLOAT64, g.length), stats, StateUpdate.COMMIT);
            Expect.rule("D-3").at("M=" + m + ", float64 g = e_k - 1e-12 and e_k").counts("bin counts", expected,
                    stats.counts());
        }
    }

    @Test
    @DisplayName("GHM-1.2 GHM-C bins g by the edge comparison (floor(g*M) needs edge correction): logit -100, targets at edge neighbours")
    void required_ghm1_2_lossBinsByEdgeNotFloor() {
        for (int m : new int[] {7, 30, 1000}) {
            float[] edges = MATH.edges(m, TopEdge.GHMC.value());
            List<Float> ts = new ArrayList<>();
            for (int k = 1; k < m; k++) {
                ts.add(edges[k]);
                ts.add(Math.nextDown(edges[k]));
                ts.add(Math.nextUp(edges[k]));
            }
            float[] t = new float[ts.size()];
            float[] x = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = ts.get(i);
                x[i] = -100f; // sigmoid(-100) < 1e-43, so g = t - p = t exactly in float32 and float64
            }
            Batch b = new Batch(x, t, null, new int[] {t.length, 1}, null);
            agreeWithOracle(Expect.rule("GHM-1.2").at("M=" + m), GhmcConfig.builder().bins(m).momentum(0.0).build(),
                    List.of(b));
        }
    }

    @Test
    @DisplayName("GHM-1.3 invalid elements (label weight 0) are not counted and get weight 0, loss 0 and gradient 0")
    void required_ghm1_3_invalidElementsGetZeroWeightLossAndGradient() {
        Random r = random(13);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.builder().reduction(Reduction.NONE).build(),
                GhmrConfig.builder().reduction(Reduction.NONE).momentum(0.5).build())) {
            Batch.Spec spec = new Batch.Spec().rows(20).classes(4).invalid(0.4).bins(config.bins());
            Batch b = config instanceof GhmcConfig ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02);
            Expect e = Expect.rule("GHM-1.3").at(config.toString());
            Outcome got = Outcome.of(e, backend.loss(config), b.input());
            long valid = 0;
            for (int i = 0; i < b.length(); i++) {
                if (b.weight()[i] > 0) {
                    valid++;
                    continue;
                }
                String at = "invalid element " + org.ghm4j.api.tensor.Shapes.indexOf(i, b.shape()) + " (flat " + i
                        + " of shape " + Arrays.toString(b.shape()) + ")";
                e.isTrue(got.weights()[i] == 0.0, at + ": weight must be 0, got " + got.weights()[i]);
                e.isTrue(got.grad()[i] == 0.0, at + ": gradient must be 0, got " + got.grad()[i]);
                e.isTrue(got.elementLoss()[i] == 0.0, at + ": element loss must be 0, got " + got.elementLoss()[i]);
            }
            e.exact("sum of bin counts (valid elements only)", valid, Arrays.stream(got.counts()).sum());
            agreeWithOracle(e, config, List.of(b));
        }
    }

    @Test
    @DisplayName("GHM-1.3 invalid elements can take any finite value without changing anything")
    void required_ghm1_3_invalidElementsCanTakeAnyFiniteValue() {
        Random r = random(14);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.mmdetection(), GhmrConfig.retinanet())) {
            Batch.Spec spec = new Batch.Spec().rows(16).classes(3).invalid(0.4).bins(config.bins());
            boolean ghmc = config instanceof GhmcConfig;
            Batch b = ghmc ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02);
            float[] x = b.pred().clone();
            float[] t = b.target().clone();
            for (int i = 0; i < x.length; i++) {
                if (b.weight()[i] == 0f) {
                    x[i] = (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, 4 * r.nextDouble()));
                    t[i] = ghmc ? (float) r.nextDouble() : (float) (1e3 * r.nextGaussian());
                }
            }
            Batch changed = b.withPred(x).withTarget(t);
            HarmonizedLoss one = backend.loss(config);
            HarmonizedLoss two = backend.loss(config);
            Expect e = Expect.rule("GHM-1.3").at(config + ", invalid elements changed to other finite values");
            for (int step = 0; step < 2; step++) {
                Outcome a = Outcome.of(e, one, b.input());
                Outcome c = Outcome.of(e, two, changed.input());
                Outcome.compare(e, a, c, b.shape(), b.shape(), tolerances());
            }
        }
    }

    @Test
    @DisplayName("GHM-1.4 R_k counts the valid elements of bin k in this call; n the non-empty bins")
    void required_ghm1_4_countsAndNonEmptyBins() {
        Random r = random(15);
        Batch b = Batch.ghmc(r, new Batch.Spec().rows(40).classes(5).bins(30));
        LossOutput out = new LossOutput();
        backend.loss(GhmcConfig.mmdetection()).compute(b.input(), out);
        long[] expected = new long[30];
        float[] edges = MATH.edges(30, TopEdge.GHMC.value());
        for (int i = 0; i < b.length(); i++) {
            if (b.weight() == null || b.weight()[i] > 0) {
                expected[MATH.bin(Math.abs(MATH.sigmoid(b.pred()[i]) - b.target()[i]), edges)]++;
            }
        }
        Expect e = Expect.rule("GHM-1.4").at("40x5 random GHM-C batch, M=30");
        e.counts("R", expected, out.stats().counts());
        e.exact("n (non-empty bins)", Arrays.stream(expected).filter(c -> c > 0).count(), out.stats().nonEmptyBins());
        e.exact("valid elements", Arrays.stream(expected).sum(), out.stats().valid());
    }

    @Test
    @DisplayName("GHM-1.4 permuting the elements permutes the results and changes no count, loss or state")
    void required_ghm1_4_permutingElementsPermutesResults() {
        Random r = random(16);
        Batch b = Batch.ghmc(r, new Batch.Spec().rows(30).classes(1).bins(30));
        int n = b.length();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = b.pred()[perm[i]];
            t[i] = b.target()[perm[i]];
            w[i] = b.weight()[perm[i]];
        }
        Batch permuted = new Batch(x, t, w, b.shape(), b.weightShape());
        HarmonizedLoss one = backend.loss(GhmcConfig.mmdetection());
        HarmonizedLoss two = backend.loss(GhmcConfig.mmdetection());
        Expect e = Expect.rule("GHM-1.4").at("30 elements in a random order");
        for (int step = 0; step < 2; step++) {
            Outcome a = Outcome.of(e, one, b.input());
            Outcome c = Outcome.of(e, two, permuted.input());
            double[] ga = new double[n];
            double[] wa = new double[n];
            for (int i = 0; i < n; i++) {
                ga[i] = a.grad()[perm[i]];
                wa[i] = a.weights()[perm[i]];
            }
            Outcome reordered = new Outcome(a.loss(), ga, wa, null, a.counts(), a.tot(), a.state());
            Outcome.compare(e, reordered, c, b.shape(), b.shape(), tolerances());
        }
    }

    @Test
    @DisplayName("GHM-1.5 harmonized mode: S_k <- a*S_k + (1-a)*R_k for non-empty bins; empty bins keep S_k")
    void required_ghm1_5_emptyBinsKeepTheirState() {
        GhmcConfig config = GhmcConfig.builder().bins(10).momentum(0.75).build();
        HarmonizedLoss loss = backend.loss(config);
        // Step 1: g spread over bins 0..9; step 2: every g in bin 2 (x = -100, t = 0.25).
        float[] t1 = new float[10];
        float[] x1 = new float[10];
        for (int k = 0; k < 10; k++) {
            t1[k] = 0.05f + 0.1f * k;
            x1[k] = -100f;
        }
        float[] t2 = new float[6];
        float[] x2 = new float[6];
        Arrays.fill(t2, 0.25f);
        Arrays.fill(x2, -100f);
        loss.compute(LossInput.of(Tensor.of(x1, 10), Tensor.of(t1, 10)), new LossOutput());
        double[] s1 = loss.snapshot().accumulator();
        Expect e = Expect.rule("GHM-1.5").at("M=10, a=0.75: step 1 one element per bin, step 2 six elements in bin 2");
        double[] want1 = new double[10];
        Arrays.fill(want1, 0.25);
        e.array("S after step 1", new int[] {10}, want1, s1, 0.0, tolerances().stateRtol());
        loss.compute(LossInput.of(Tensor.of(x2, 6), Tensor.of(t2, 6)), new LossOutput());
        double[] want2 = want1.clone();
        want2[2] = 0.75 * 0.25 + 0.25 * 6;
        e.array("S after step 2 (empty bins unchanged)", new int[] {10}, want2, loss.snapshot().accumulator(), 0.0,
                tolerances().stateRtol());
    }

    @Test
    @DisplayName("GHM-1.5 S starts at 0 and is not bias-corrected: first-call weights are 1/(1-a) times the a = 0 weights")
    void required_ghm1_5_firstCallIsNotBiasCorrected() {
        Batch b = Batch.ghmc(random(17), new Batch.Spec().rows(25).classes(2).bins(30));
        Expect e = Expect.rule("GHM-1.5").at("25x2 batch, a = 0.75 vs a = 0");
        Outcome withMomentum = Outcome.of(e, backend.loss(GhmcConfig.mmdetection()), b.input());
        Outcome without = Outcome.of(e, backend.loss(GhmcConfig.builder().momentum(0.0).build()), b.input());
        double[] scaled = without.weights().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 4.0;
        }
        e.array("weights (a = 0.75) = 4 * weights (a = 0)", b.shape(), scaled, withMomentum.weights(), 0.0,
                tolerances().weightRtol());
    }

    @Test
    @DisplayName("GHM-1.6 beta = tot / S_bin / n; with a = 0 the valid weights sum to tot and each non-empty bin carries 1/n")
    void required_ghm1_6_weightsSumToTotAtMomentumZero() {
        Random r = random(18);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.builder().momentum(0.0).build(), GhmrConfig.mmdetection())) {
            Batch.Spec spec = new Batch.Spec().rows(33).classes(3).bins(config.bins());
            Batch b = config instanceof GhmcConfig ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02);
            LossOutput out = new LossOutput().withWeights();
            backend.loss(config).compute(b.input(), out);
            Expect e = Expect.rule("GHM-1.6").at(config.toString());
            double[] w = e.values("weights", out.weights());
            double sum = 0;
            for (double v : w) {
                sum += v;
            }
            e.scalar("sum of weights", out.stats().tot(), sum, 0.0, 1e-6);
            agreeWithOracle(e, config, List.of(b));
        }
    }

    @Test
    @DisplayName("GHM-1.7 seed mode: every bin decays each call, S_k <- a*S_k + (1-a)*R_k; weights 1/S_bin (1 for invalid)")
    void required_ghm1_7_seedModeDecaysEveryBin() {
        EstimatorConfig config = new EstimatorConfig(10, 0.75, DensityMode.SEED, TopEdge.UNIT, TotRule.VALID_COUNT);
        GradientDensityEstimator est = backend.estimator(config);
        GradientDensityEstimator ref = oracle.estimator(config);
        Random r = random(19);
        Expect e = Expect.rule("GHM-1.7").at("estimator M=10, a=0.75, SEED, three calls");
        for (int step = 0; step < 3; step++) {
            float[] g = new float[12];
            float[] w = new float[12];
            for (int i = 0; i < g.length; i++) {
                do {
                    g[i] = (float) (step == 1 ? 0.3 * r.nextDouble() : r.nextDouble());
                } while (!Batch.clearOfEdges(g[i], 10, 1e-4));
                w[i] = i % 4 == 0 ? 0f : 1f;
            }
            Tensor outA = Tensor.zeros(DType.FLOAT32, 12);
            Tensor outB = Tensor.zeros(DType.FLOAT32, 12);
            BinStats sa = new BinStats();
            BinStats sb = new BinStats();
            est.estimate(Tensor.of(g, 12), Tensor.of(w, 12), outA, sa, StateUpdate.COMMIT);
            ref.estimate(Tensor.of(g, 12), Tensor.of(w, 12), outB, sb, StateUpdate.COMMIT);
            Expect at = e.at("step " + step);
            at.counts("R", sb.counts(), sa.counts());
            at.array("state S", new int[] {10}, ref.snapshot().accumulator(), est.snapshot().accumulator(), 0.0,
                    tolerances().stateRtol());
            at.array("weights 1/S_bin", new int[] {12}, e.values("w", outB), e.values("w", outA), 0.0,
                    tolerances().weightRtol());
        }
    }

    @Test
    @DisplayName("GHM-1.8 a call with no valid element (or no element) returns loss 0 and gradient 0 and leaves the state and step counter unchanged (D-5)")
    void required_ghm1_8_noValidElementChangesNothing() {
        Random r = random(20);
        for (LossConfig config : List.<LossConfig>of(GhmcConfig.mmdetection(), GhmrConfig.retinanet())) {
            Batch.Spec spec = new Batch.Spec().rows(8).classes(4).bins(config.bins()).invalid(0);
            boolean ghmc = config instanceof GhmcConfig;
            Batch warm = ghmc ? Batch.ghmc(r, spec) : Batch.ghmr(r, spec, 0.02);
            HarmonizedLoss loss = backend.loss(config);
            loss.compute(warm.input());
            DensityState before = loss.snapshot();
            Batch none = warm.withWeight(new float[warm.length()], warm.shape());
            Expect e = Expect.rule("GHM-1.8").at(config + ", all label weights 0 after one call");
            Outcome o = Outcome.of(e, loss, none.input());
            e.scalar("loss", 0.0, o.loss(), 0.0, 0.0);
            e.array("gradient", none.shape(), new double[none.length()], o.grad(), 0.0, 0.0);
            e.isTrue(before.equals(o.state()), "state changed: before " + before + ", after " + o.state());
            Expect empty = Expect.rule("GHM-1.8").at(config + ", empty batch [0, 4]");
            Outcome z = Outcome.of(empty, loss, LossInput.of(Tensor.of(new float[0], 0, 4), Tensor.of(new float[0], 0, 4)));
            empty.scalar("loss", 0.0, z.loss(), 0.0, 0.0);
            empty.isTrue(before.equals(z.state()), "state changed: before " + before + ", after " + z.state());
        }
    }

    @Test
    @DisplayName("GHM-1.8 seed mode with no valid row still decays every bin and counts the step (D-5)")
    void optional_ghm1_8_seedModeStillDecaysWithoutValidRows() {
        requires("GHM-1.8", Capability.CATEGORICAL);
        CategoricalConfig config = CategoricalConfig.builder().mode(CategoricalMode.SEED).input(InputKind.LOGITS).build();
        Batch.Spec spec = new Batch.Spec().rows(6).classes(3).bins(30).invalid(0);
        Random r = random(21);
        Batch warm = Batch.categorical(r, spec, CategoricalMode.SEED, 1e-7);
        Batch none = Batch.categorical(r, spec, CategoricalMode.SEED, 1e-7).withWeight(new float[6], new int[] {6});
        agreeWithOracle(Expect.rule("GHM-1.8").at("seed categorical, step 2 has no valid row"), config,
                List.of(warm, none));
    }

    @Test
    @DisplayName("GHM-1.9 reductions: MEAN /tot, SUM, NONE per element (scalar = their sum, D-1); the gradient follows the reduction")
    void required_ghm1_9_reductionsMatchOracle() {
        Random r = random(22);
        for (Reduction red : Reduction.values()) {
            Batch.Spec spec = new Batch.Spec().rows(15).classes(4).bins(30);
            agreeWithOracle(Expect.rule("GHM-1.9").at("GHM-C " + red),
                    GhmcConfig.builder().reduction(red).lossWeight(2.5).build(),
                    steps(2, () -> Batch.ghmc(r, spec)));
            Batch.Spec rspec = new Batch.Spec().rows(15).classes(4).bins(10);
            agreeWithOracle(Expect.rule("GHM-1.9").at("GHM-R " + red),
                    GhmrConfig.retinanet().toBuilder().reduction(red).build(),
                    steps(2, () -> Batch.ghmr(r, rspec, 0.02)));
        }
    }

    // ---------------------------------------------------------------- GHM-2

    @Test
    @DisplayName("GHM-2.1 / D-6 label weights of shape [N] are broadcast over the classes")
    void required_ghm2_1_rowWeightsBroadcastOverClasses() {
        Random r = random(23);
        Batch b = Batch.ghmc(r, new Batch.Spec().rows(20).classes(4).bins(30).rowWeights(true).invalid(0.3));
        float[] full = new float[b.length()];
        for (int i = 0; i < full.length; i++) {
            full[i] = b.weight()[i / 4];
        }
        Batch expanded = b.withWeight(full, b.shape());
        HarmonizedLoss rows = backend.loss(GhmcConfig.mmdetection());
        HarmonizedLoss elems = backend.loss(GhmcConfig.mmdetection());
        Expect e = Expect.rule("GHM-2.1").at("weights [20] vs the same expanded to [20, 4]");
        for (int s = 0; s < 2; s++) {
            Outcome.compare(e, Outcome.of(e, elems, expanded.input()), Outcome.of(e, rows, b.input()), b.shape(),
                    b.shape(), tolerances());
        }
        agreeWithOracle(e, GhmrConfig.retinanet(), List.of(Batch.ghmr(r,
                new Batch.Spec().rows(20).classes(4).bins(10).rowWeights(true).invalid(0.3), 0.02)));
    }

    @Test
    @DisplayName("GHM-2.1 soft targets t in [0, 1] follow the same formulas")
    void required_ghm2_1_softTargetsMatchOracle() {
        Random r = random(24);
        Batch.Spec spec = new Batch.Spec().rows(20).classes(3).bins(30).soft(true);
        agreeWithOracle(Expect.rule("GHM-2.1").at("soft targets"), GhmcConfig.mmdetection(),
                steps(3, () -> Batch.ghmc(r, spec)));
    }

    @Test
    @DisplayName("GHM-2.2 GHM-C gradient norm is g = |sigmoid(x) - t|")
    void required_ghm2_2_gradientNormIsAbsSigmoidMinusTarget() {
        // For each bin k of 10, one element with t = 0 and p = 0.05 + 0.1k, one with t = 1 and p = 0.95 - 0.1k:
        // both have g = 0.05 + 0.1k, so every bin counts exactly 2.
        float[] x = new float[20];
        float[] t = new float[20];
        for (int k = 0; k < 10; k++) {
            double g = 0.05 + 0.1 * k;
            x[2 * k] = (float) Math.log(g / (1 - g));
            t[2 * k] = 0f;
            x[2 * k + 1] = (float) Math.log((1 - g) / g);
            t[2 * k + 1] = 1f;
        }
        LossOutput out = new LossOutput();
        backend.loss(GhmcConfig.builder().bins(10).momentum(0).build()).compute(
                LossInput.of(Tensor.of(x, 10, 2), Tensor.of(t, 10, 2)), out);
        long[] expected = new long[10];
        Arrays.fill(expected, 2);
        Expect.rule("GHM-2.2").at("M=10, g = 0.05 + 0.1k from t = 0 and from t = 1").counts("bin counts", expected,
                out.stats().counts());
    }

    @Test
    @DisplayName("GHM-2.3 GHM-C tot = max(number of valid elements, 1), whatever the weight values")
    void required_ghm2_3_totIsTheValidCount() {
        Random r = random(25);
        Batch b = Batch.ghmc(r, new Batch.Spec().rows(10).classes(3).bins(30).invalid(0.3).weightValue(2.5));
        LossOutput out = new LossOutput();
        backend.loss(GhmcConfig.mmdetection()).compute(b.input(), out);
        long valid = 0;
        for (float w : b.weight()) {
            valid += w > 0 ? 1 : 0;
        }
        Expect.rule("GHM-2.3").at("10x3, weights 0 or 2.5").scalar("tot", Math.max(valid, 1), out.stats().tot(), 0, 0);
        agreeWithOracle(Expect.rule("GHM-2.3"), GhmcConfig.mmdetection(), List.of(b));
    }

    @Test
    @DisplayName("GHM-2.4 loss = BCE-with-logits, finite for |x| up to 1e4")
    void required_ghm2_4_lossIsStableForExtremeLogits() {
        float[] x = {-1e4f, -3000f, -100f, -30f, 30f, 100f, 3000f, 1e4f, -1e4f, 1e4f, 0f, 0.5f};
        float[] t = {0f, 0f, 1f, 1f, 0f, 1f, 1f, 0f, 1f, 1f, 1f, 0f};
        Batch b = new Batch(x, t, null, new int[] {3, 4}, null);
        Expect e = Expect.rule("GHM-2.4").at("logits up to +-1e4");
        Outcome o = Outcome.of(e, backend.loss(GhmcConfig.mmdetection()), b.input());
        e.isTrue(Double.isFinite(o.loss()), "loss must be finite, got " + o.loss());
        for (int i = 0; i < o.grad().length; i++) {
            e.isTrue(Double.isFinite(o.grad()[i]), "gradient flat " + i + " must be finite, got " + o.grad()[i]);
        }
        agreeWithOracle(e, GhmcConfig.mmdetection(), List.of(b));
    }

    @Test
    @DisplayName("GHM-2.5 gradient is lossWeight * beta * (sigmoid(x) - t) / tot")
    void required_ghm2_5_gradientMatchesFormula() {
        Random r = random(26);
        Batch.Spec spec = new Batch.Spec().rows(30).classes(3).bins(30);
        agreeWithOracle(Expect.rule("GHM-2.5"), GhmcConfig.builder().lossWeight(0.5).build(),
                steps(3, () -> Batch.ghmc(r, spec)));
    }

    @Test
    @DisplayName("GHM-2.5 gradient matches central finite differences of the loss")
    void required_ghm2_5_gradientMatchesFiniteDifferences() {
        Batch b = Batch.ghmc(random(27), new Batch.Spec().rows(8).classes(3).bins(10).margin(0.01));
        for (Reduction red : Reduction.values()) {
            finiteDifferences(Expect.rule("GHM-2.5").at(red.toString()),
                    GhmcConfig.builder().bins(10).momentum(0).lossWeight(1.5).reduction(red).build(), b, 1e-2, 24);
        }
    }

    @Test
    @DisplayName("GHM-2.7 probabilities input: l = -(t log p + (1-t) log(1-p)) with p clipped to [1e-7, 1-1e-7], gradient w.r.t. p")
    void optional_ghm2_7_probabilityInputMatchesOracle() {
        requires("GHM-2.7", Capability.PROBABILITY_INPUT);
        Random r = random(28);
        GhmcConfig config = GhmcConfig.builder().input(InputKind.PROBABILITIES).build();
        Batch.Spec spec = new Batch.Spec().rows(20).classes(3).bins(30).probabilities(true);
        agreeWithOracle(Expect.rule("GHM-2.7"), config, steps(2, () -> Batch.ghmc(r, spec)));
        finiteDifferences(Expect.rule("GHM-2.7").at("finite differences"),
                config.toBuilder().bins(10).momentum(0).build(),
                Batch.ghmc(r, new Batch.Spec().rows(6).classes(3).bins(10).probabilities(true).margin(0.01)), 1e-3, 18);
    }

    // ---------------------------------------------------------------- GHM-3

    @Test
    @DisplayName("GHM-3.2 all C class elements of every valid row enter the histogram")
    void optional_ghm3_2_everyClassElementOfValidRowsIsCounted() {
        requires("GHM-3.2", Capability.CATEGORICAL);
        Batch b = Batch.categorical(random(29), new Batch.Spec().rows(9).classes(5).bins(30).invalid(0.3),
                CategoricalMode.HARMONIZED, 1e-7);
        LossOutput out = new LossOutput();
        backend.loss(CategoricalConfig.harmonizedCategorical()).compute(b.input(), out);
        long validRows = 0;
        for (float v : b.weight()) {
            validRows += v > 0 ? 1 : 0;
        }
        Expect e = Expect.rule("GHM-3.2").at("9x5, row mask");
        e.exact("counted elements", validRows * 5, out.stats().valid());
        e.scalar("tot (GHM-3.4)", Math.max(validRows * 5, 1), out.stats().tot(), 0, 0);
    }

    @Test
    @DisplayName("GHM-3.3 seed-categorical: clipped p, seed-mode density, row loss sum_c -y_c log p_c / D_c, MEAN over all N rows")
    void optional_ghm3_3_seedModeMatchesOracle() {
        requires("GHM-3.3", Capability.CATEGORICAL);
        Random r = random(30);
        for (InputKind kind : InputKind.values()) {
            if (kind == InputKind.PROBABILITIES && !backend.has(Capability.PROBABILITY_INPUT)) {
                continue;
            }
            for (Reduction red : Reduction.values()) {
                CategoricalConfig config = CategoricalConfig.seedCategorical().toBuilder().input(kind).reduction(red)
                        .lossWeight(1.5).build();
                Batch.Spec spec = new Batch.Spec().rows(10).classes(4).bins(30).invalid(0.2)
                        .probabilities(kind == InputKind.PROBABILITIES).soft(red == Reduction.SUM);
                agreeWithOracle(Expect.rule("GHM-3.3").at(kind + " " + red), config,
                        steps(3, () -> Batch.categorical(r, spec, CategoricalMode.SEED, 1e-7)));
            }
        }
    }

    @Test
    @DisplayName("GHM-3.3 an invalid row is not counted (density 1) but still contributes its plain cross-entropy")
    void optional_ghm3_3_invalidRowsContributePlainCrossEntropy() {
        requires("GHM-3.3", Capability.CATEGORICAL);
        Batch b = Batch.categorical(random(31), new Batch.Spec().rows(6).classes(3).bins(30).invalid(0),
                CategoricalMode.SEED, 1e-7);
        float[] mask = {1f, 0f, 1f, 0f, 1f, 1f};
        Batch masked = b.withWeight(mask, new int[] {6});
        CategoricalConfig config = CategoricalConfig.seedCategorical().toBuilder().input(InputKind.LOGITS)
                .reduction(Reduction.NONE).build();
        Expect e = Expect.rule("GHM-3.3").at("rows 1 and 3 invalid");
        LossOutput out = new LossOutput().withWeights();
        backend.loss(config).compute(masked.input(), out);
        double[] rows = e.values("elementLoss", out.elementLoss());
        for (int row : new int[] {1, 3}) {
            double ce = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                max = Math.max(max, b.pred()[row * 3 + k]);
            }
            double sum = 0;
            for (int k = 0; k < 3; k++) {
                sum += Math.exp(b.pred()[row * 3 + k] - max);
            }
            for (int k = 0; k < 3; k++) {
                double p = Math.exp(b.pred()[row * 3 + k] - max) / sum;
                ce += -b.target()[row * 3 + k] * Math.log(Math.min(Math.max(p, 1e-7), 1 - 1e-7));
            }
            e.scalar("loss of invalid row " + row + " (plain cross-entropy)", ce, rows[row], 0.0, tolerances().lossRtol());
        }
        agreeWithOracle(e, config, List.of(masked));
    }

    @Test
    @DisplayName("GHM-3.3 / D-4 seed mode with logits differentiates through the softmax (finite differences)")
    void optional_ghm3_3_seedGradientMatchesFiniteDifferences() {
        requires("GHM-3.3", Capability.CATEGORICAL);
        Batch b = Batch.categorical(random(32), new Batch.Spec().rows(5).classes(4).bins(10).margin(0.01).invalid(0.2)
                .soft(true), CategoricalMode.SEED, 1e-7);
        finiteDifferences(Expect.rule("GHM-3.3"), CategoricalConfig.seedCategorical().toBuilder().bins(10).momentum(0)
                .input(InputKind.LOGITS).build(), b, 1e-2, 20);
    }

    @Test
    @DisplayName("GHM-3.4 harmonized categorical: weights per GHM-1.5/1.6, tot = valid rows * C, dL/dz_k = sum_c beta_c y_c (p_k - [k=c]) / tot")
    void optional_ghm3_4_harmonizedModeMatchesOracle() {
        requires("GHM-3.4", Capability.CATEGORICAL);
        Random r = random(33);
        for (InputKind kind : InputKind.values()) {
            if (kind == InputKind.PROBABILITIES && !backend.has(Capability.PROBABILITY_INPUT)) {
                continue;
            }
            for (Reduction red : Reduction.values()) {
                CategoricalConfig config = CategoricalConfig.harmonizedCategorical().toBuilder().input(kind)
                        .reduction(red).lossWeight(0.7).build();
                Batch.Spec spec = new Batch.Spec().rows(12).classes(4).bins(30).invalid(0.25)
                        .probabilities(kind == InputKind.PROBABILITIES).soft(red != Reduction.MEAN);
                agreeWithOracle(Expect.rule("GHM-3.4").at(kind + " " + red), config,
                        steps(3, () -> Batch.categorical(r, spec, CategoricalMode.HARMONIZED, 1e-7)));
            }
        }
    }

    @Test
    @DisplayName("GHM-3.4 harmonized categorical gradient matches finite differences; invalid rows get 0")
    void optional_ghm3_4_harmonizedGradientMatchesFiniteDifferences() {
        requires("GHM-3.4", Capability.CATEGORICAL);
        Batch b = Batch.categorical(random(34), new Batch.Spec().rows(5).classes(4).bins(10).margin(0.01).invalid(0.3)
                .soft(true), CategoricalMode.HARMONIZED, 1e-7);
        finiteDifferences(Expect.rule("GHM-3.4"), CategoricalConfig.harmonizedCategorical().toBuilder().bins(10)
                .momentum(0).build(), b, 1e-2, 20);
        LossOutput out = new LossOutput().withWeights();
        backend.loss(CategoricalConfig.harmonizedCategorical()).compute(b.input(), out);
        Expect e = Expect.rule("GHM-3.4").at("invalid rows");
        double[] g = e.values("gradient", out.gradient());
        double[] w = e.values("weights", out.weights());
        for (int i = 0; i < g.length; i++) {
            if (b.weight()[i / 4] == 0f) {
                e.isTrue(g[i] == 0.0 && w[i] == 0.0, "flat " + i + " of an invalid row: gradient " + g[i] + " and weight "
                        + w[i] + " must be 0");
            }
        }
    }

    // ---------------------------------------------------------------- GHM-4

    @Test
    @DisplayName("GHM-4.2 GHM-R: d = x - t, l = sqrt(d^2 + mu^2) - mu, g = |d| / sqrt(d^2 + mu^2), for any shape")
    void required_ghm4_2_lossMatchesOracle() {
        Random r = random(35);
        Batch.Spec spec = new Batch.Spec().rows(25).classes(4).bins(10);
        agreeWithOracle(Expect.rule("GHM-4.2"), GhmrConfig.builder().mu(0.05).build(),
                steps(2, () -> Batch.ghmr(r, spec, 0.05)));
        Batch b = Batch.ghmr(r, new Batch.Spec().rows(24).classes(1).bins(10).invalid(0), 0.02);
        Batch rank1 = new Batch(b.pred(), b.target(), null, new int[] {24}, null);
        Batch rank3 = new Batch(b.pred(), b.target(), null, new int[] {2, 3, 4}, null);
        agreeWithOracle(Expect.rule("GHM-4.1").at("shape [24]"), GhmrConfig.mmdetection(), List.of(rank1));
        agreeWithOracle(Expect.rule("GHM-4.1").at("shape [2, 3, 4]"), GhmrConfig.mmdetection(), List.of(rank3));
    }

    @Test
    @DisplayName("GHM-4.3 GHM-R tot = max(sum of the label weights, 1), and a weight of 2 does not double an element's loss")
    void required_ghm4_3_totIsTheSumOfLabelWeights() {
        Random r = random(36);
        Batch b = Batch.ghmr(r, new Batch.Spec().rows(10).classes(4).bins(10).invalid(0.3).weightValue(2.0), 0.02);
        GhmrConfig config = GhmrConfig.mmdetection();
        Expect e = Expect.rule("GHM-4.3").at("10x4, weights 0 or 2");
        Outcome twos = Outcome.of(e, backend.loss(config), b.input());
        double sum = 0;
        for (float w : b.weight()) {
            sum += w;
        }
        e.scalar("tot", Math.max(sum, 1), twos.tot(), 0, 0);
        Batch ones = b.withWeight(toOnes(b.weight()), b.shape());
        Outcome unit = Outcome.of(e, backend.loss(config), ones.input());
        e.scalar("MEAN loss with weights 2 vs weights 1 (weights are masks; tot cancels)", unit.loss(), twos.loss(), 0.0,
                tolerances().lossRtol());
        e.gradient("MEAN gradient with weights 2 vs weights 1", b.shape(), unit.grad(), twos.grad(), tolerances());
        agreeWithOracle(e, GhmrConfig.retinanet(), List.of(b));
    }

    @Test
    @DisplayName("GHM-4.4 GHM-R gradient is lossWeight * beta * d / sqrt(d^2 + mu^2) / tot (formula and finite differences)")
    void required_ghm4_4_gradientMatchesFormula() {
        Random r = random(37);
        Batch.Spec spec = new Batch.Spec().rows(20).classes(4).bins(10);
        agreeWithOracle(Expect.rule("GHM-4.4"), GhmrConfig.retinanet(), steps(3, () -> Batch.ghmr(r, spec, 0.02)));
        Batch fd = Batch.ghmr(r, new Batch.Spec().rows(6).classes(4).bins(10).margin(0.01), 0.02);
        for (Reduction red : Reduction.values()) {
            finiteDifferences(Expect.rule("GHM-4.4").at(red.toString()),
                    GhmrConfig.builder().reduction(red).lossWeight(3).build(), fd, 1e-3, 24);
        }
    }

    @Test
    @DisplayName("GHM-4.5 the RetinaNet recipe (mu 0.02, 10 bins, momentum 0.7, lossWeight 10) over several steps")
    void required_ghm4_5_retinanetRecipeMatchesOracle() {
        Random r = random(38);
        Batch.Spec spec = new Batch.Spec().rows(50).classes(4).bins(10).invalid(0.5).rowWeights(true);
        agreeWithOracle(Expect.rule("GHM-4.5"), GhmrConfig.retinanet(), steps(4, () -> Batch.ghmr(r, spec, 0.02)));
    }

    private static float[] toOnes(float[] w) {
        float[] o = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            o[i] = w[i] > 0 ? 1f : 0f;
        }
        return o;
    }
}
