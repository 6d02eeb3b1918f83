package org.ghm4j.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.api.tensor.Shapes;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.testkit.vectors.VectorCase;
import org.ghm4j.testkit.vectors.VectorCases;
import org.ghm4j.testkit.vectors.VectorFamilies;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance kit for a {@link GhmBackend}: extend it in your test sources and return your
 * backend from {@link #createBackend()}; every rule of docs/spec.md that can be checked on a
 * backend (GHM-1 to GHM-7, and the vectors of GHM-9) runs as one test named after it, e.g.
 * {@code required_ghm2_5_gradientMatchesFormula}. Optional rules ({@code optional_...}) run only
 * when the backend declares the capability they need and are skipped otherwise, with a reason
 * naming the capability.
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends GhmBackendVerification {
 *     @Override
 *     protected GhmBackend createBackend() {
 *         return new MyBackend();
 *     }
 * }
 * }</pre>
 *
 * <p>Override {@link #tolerances()} to loosen or tighten GHM-9.3, {@link #createBackend(BackendOptions)}
 * to have GHM-7.5 (thread-count independence) checked, and {@link #extraVectorDirectories()} (or set
 * {@code -Dghm.testkit.vectors=DIR[,DIR...]}) to add vector cases (GHM-9.4).
 */
public abstract class GhmBackendVerification extends StateRulesVerification {

    // ---------------------------------------------------------------- GHM-6

    /** A bad value planted at flat index 5 of a [3, 4] batch (index [1, 1]) or row 1 of [3]. */
    private record Planted(String lossName, LossConfig config, String argument, double value, ErrorId id) {
    }

    @Test
    @DisplayName("GHM-6.1 NaN or infinite logits, targets, deltas or weights: an error naming the argument, the first bad index and its value")
    void required_ghm6_1_nonFiniteInputIsRefused() {
        List<LossConfig> configs = new ArrayList<>(List.of(GhmcConfig.mmdetection(), GhmrConfig.retinanet()));
        if (backend.has(Capability.CATEGORICAL)) {
            configs.add(CategoricalConfig.harmonizedCategorical());
        }
        for (LossConfig config : configs) {
            for (String argument : new String[] {"pred", "target", "labelWeight"}) {
                for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    plant(Expect.rule("GHM-6.1"), config, argument, v, ErrorId.INPUT_NONFINITE);
                }
            }
        }
        GradientDensityEstimator est = backend.estimator(EstimatorConfig.ghmc());
        float[] g = {0.1f, 0.2f, Float.NaN, 0.4f};
        Expect e = Expect.rule("GHM-6.1").at("estimator");
        RuntimeException ex = ExpectError.thrown(e, "gradNorms[2] = NaN", () -> est.estimate(Tensor.of(g, 4), null,
                Tensor.zeros(DType.FLOAT32, 4), new BinStats(), StateUpdate.COMMIT), ErrorId.INPUT_NONFINITE);
        ExpectError.mentions(e, "gradNorms[2] = NaN", ex.getMessage(), "gradNorms", "NaN");
    }

    @Test
    @DisplayName("GHM-6.2 shape mismatch: an error naming both arguments and both shapes")
    void required_ghm6_2_shapeMismatchIsRefused() {
        Expect e = Expect.rule("GHM-6.2");
        Batch b = Batch.ghmc(random(60), new Batch.Spec().rows(3).classes(4));
        HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
        RuntimeException ex = ExpectError.thrown(e, "gradient buffer [4, 3] for pred [3, 4]",
                () -> loss.compute(b.input(), new LossOutput().gradientInto(Tensor.zeros(DType.FLOAT32, 4, 3))),
                ErrorId.INPUT_SHAPE);
        ExpectError.mentions(e, "gradient buffer [4, 3] for pred [3, 4]", ex.getMessage(), "[4, 3]", "[3, 4]");
        GradientDensityEstimator est = backend.estimator(EstimatorConfig.ghmc());
        Tensor g = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 2, 3);
        ex = ExpectError.thrown(e, "estimator labelWeight [3, 2] for gradNorms [2, 3]", () -> est.estimate(g,
                Tensor.zeros(DType.FLOAT32, 3, 2), Tensor.zeros(DType.FLOAT32, 2, 3), new BinStats(), StateUpdate.COMMIT),
                ErrorId.INPUT_SHAPE);
        ExpectError.mentions(e, "estimator labelWeight [3, 2] for gradNorms [2, 3]", ex.getMessage(), "labelWeight",
                "gradNorms", "[3, 2]", "[2, 3]");
        ex = ExpectError.thrown(e, "estimator weightsOut [6] for gradNorms [2, 3]", () -> est.estimate(g, null,
                Tensor.zeros(DType.FLOAT32, 6), new BinStats(), StateUpdate.COMMIT), ErrorId.INPUT_SHAPE);
        ExpectError.mentions(e, "estimator weightsOut [6] for gradNorms [2, 3]", ex.getMessage(), "[6]", "[2, 3]");
        if (backend.has(Capability.CATEGORICAL)) {
            Batch c = Batch.categorical(random(61), new Batch.Spec().rows(4).classes(3).invalid(0),
                    CategoricalMode.HARMONIZED, 1e-7);
            HarmonizedLoss cat = backend.loss(CategoricalConfig.harmonizedCategorical());
            ex = ExpectError.thrown(e.at("D-6"), "categorical labelWeight [4, 3] (only [N] is allowed)",
                    () -> cat.compute(LossInput.of(Tensor.of(c.pred(), 4, 3), Tensor.of(c.target(), 4, 3),
                            Tensor.of(new float[12], 4, 3))), ErrorId.INPUT_SHAPE);
            ExpectError.mentions(e.at("D-6"), "categorical labelWeight [4, 3]", ex.getMessage(), "labelWeight", "[4, 3]");
        }
    }

    @Test
    @DisplayName("GHM-6.3 / D-7 / D-8 / D-9 GHM-C targets and probabilities outside [0, 1], negative weights, g outside [0, last edge): GHM-INPUT-RANGE")
    void required_ghm6_3_outOfRangeInputIsRefused() {
        Expect e = Expect.rule("GHM-6.3");
        plant(e, GhmcConfig.mmdetection(), "target", 1.5, ErrorId.INPUT_RANGE);
        plant(e, GhmcConfig.mmdetection(), "target", -0.25, ErrorId.INPUT_RANGE);
        plant(e.at("D-7"), GhmcConfig.mmdetection(), "labelWeight", -0.5, ErrorId.INPUT_RANGE);
        plant(e.at("D-7"), GhmrConfig.retinanet(), "labelWeight", -0.5, ErrorId.INPUT_RANGE);
        if (backend.has(Capability.PROBABILITY_INPUT)) {
            plant(e, GhmcConfig.builder().input(InputKind.PROBABILITIES).build(), "pred", 1.5, ErrorId.INPUT_RANGE);
            plant(e, GhmcConfig.builder().input(InputKind.PROBABILITIES).build(), "pred", -0.25, ErrorId.INPUT_RANGE);
        }
        if (backend.has(Capability.CATEGORICAL)) {
            plant(e.at("D-9"), CategoricalConfig.harmonizedCategorical(), "target", 1.5, ErrorId.INPUT_RANGE);
            plant(e.at("D-9"), CategoricalConfig.harmonizedCategorical(), "target", -0.25, ErrorId.INPUT_RANGE);
            plant(e.at("D-7"), CategoricalConfig.harmonizedCategorical(), "labelWeight", -0.5, ErrorId.INPUT_RANGE);
            if (backend.has(Capability.PROBABILITY_INPUT)) {
                plant(e.at("D-9"), CategoricalConfig.seedCategorical(), "pred", 1.5, ErrorId.INPUT_RANGE);
            }
        }
        for (EstimatorConfig config : List.of(EstimatorConfig.ghmc(), EstimatorConfig.ghmr())) {
            GradientDensityEstimator est = backend.estimator(config);
            float top = config.topEdge().value();
            for (float bad : new float[] {-0.5f, top}) {
                float[] g = {0.1f, 0.2f, bad, 0.4f};
                Expect at = e.at("D-8, estimator with top edge " + top);
                RuntimeException ex = ExpectError.thrown(at, "gradNorms[2] = " + bad, () -> est.estimate(Tensor.of(g, 4),
                        null, Tensor.zeros(DType.FLOAT32, 4), new BinStats(), StateUpdate.COMMIT), ErrorId.INPUT_RANGE);
                ExpectError.mentions(at, "gradNorms[2] = " + bad, ex.getMessage(), "gradNorms");
                at.isTrue(ex.getMessage().contains("[2]") || ex.getMessage().contains("index 2"),
                        "the message must name index 2, got: " + ex.getMessage());
            }
        }
    }

    @Test
    @DisplayName("GHM-6.4 invalid settings (bins, momentum, mu, lossWeight) are refused when the configuration is built")
    void required_ghm6_4_invalidSettingsAreRefusedAtBuild() {
        Expect e = Expect.rule("GHM-6.4");
        List<Supplier<Object>> bad = List.of(
                () -> GhmcConfig.builder().bins(0).build(), () -> GhmcConfig.builder().bins(1001).build(),
                () -> GhmcConfig.builder().momentum(1.0).build(), () -> GhmcConfig.builder().momentum(-0.1).build(),
                () -> GhmcConfig.builder().momentum(Double.NaN).build(),
                () -> GhmcConfig.builder().lossWeight(Double.POSITIVE_INFINITY).build(),
                () -> GhmrConfig.builder().mu(0).build(), () -> GhmrConfig.builder().mu(-1).build(),
                () -> GhmrConfig.builder().mu(Double.NaN).build(), () -> GhmrConfig.builder().lossWeight(Double.NaN).build(),
                () -> CategoricalConfig.builder().epsilon(0).build(), () -> CategoricalConfig.builder().bins(-3).build(),
                () -> EstimatorConfig.ghmc().withBins(0), () -> EstimatorConfig.ghmr().withMomentum(1.5));
        for (int i = 0; i < bad.size(); i++) {
            Supplier<Object> s = bad.get(i);
            ExpectError.thrown(e, "invalid setting #" + i, s::get, ErrorId.CONFIG_INVALID);
        }
        for (LossConfig ok : List.<LossConfig>of(GhmcConfig.builder().bins(1).momentum(0).build(),
                GhmcConfig.builder().bins(1000).momentum(0.999).build(), GhmrConfig.retinanet())) {
            e.isTrue(backend.loss(ok).config().equals(ok), "backend.loss(" + ok + ").config() must return the config");
        }
    }

    @Test
    @DisplayName("GHM-6.5 errors are unchecked exceptions of the project's types with a stable id in the message")
    void required_ghm6_5_errorsAreUncheckedWithStableIds() {
        Batch b = Batch.ghmc(random(62), new Batch.Spec().rows(3).classes(4).invalid(0));
        float[] x = b.pred().clone();
        x[0] = Float.NaN;
        HarmonizedLoss loss = backend.loss(GhmcConfig.mmdetection());
        ExpectError.thrown(Expect.rule("GHM-6.5"), "NaN logit", () -> loss.compute(b.withPred(x).input()),
                ErrorId.INPUT_NONFINITE);
    }

    /** Plants {@code value} in {@code argument} at flat index 5 of [3, 4] (row 1 for a [N] weight) and checks the error. */
    private void plant(Expect e, LossConfig config, String argument, double value, ErrorId id) {
        boolean categorical = config instanceof CategoricalConfig;
        Batch b;
        Random r = random(63);
        if (categorical) {
            CategoricalConfig c = (CategoricalConfig) config;
            b = Batch.categorical(r, new Batch.Spec().rows(3).classes(4).invalid(0)
                    .probabilities(c.input() == InputKind.PROBABILITIES), c.mode(), c.epsilon());
            b = b.withWeight(new float[] {1f, 1f, 1f}, new int[] {3});
        } else if (config instanceof GhmrConfig) {
            b = Batch.ghmr(r, new Batch.Spec().rows(3).classes(4).invalid(0).weightValue(2.0), 0.02);
        } else {
            b = Batch.ghmc(r, new Batch.Spec().rows(3).classes(4).invalid(0).weightValue(2.0)
                    .probabilities(((GhmcConfig) config).input() == InputKind.PROBABILITIES));
        }
        int index = argument.equals("labelWeight") && categorical ? 1 : 5;
        int[] shape = argument.equals("labelWeight") && categorical ? new int[] {3} : new int[] {3, 4};
        LossInput in = b.input(DType.FLOAT64);
        Tensor t = argument.equals("pred") ? in.pred() : argument.equals("target") ? in.target() : in.labelWeight();
        t.setDouble(index, value);
        HarmonizedLoss loss = backend.loss(config);
        String what = argument + Shapes.indexOf(index, shape) + " = " + value + " (" + config + ")";
        Expect at = e.at(what);
        RuntimeException ex = ExpectError.thrown(at, what, () -> loss.compute(in), id);
        String msg = ex.getMessage();
        ExpectError.mentions(at, what, msg, argument, Double.toString(value));
        at.isTrue(msg.contains(Shapes.indexOf(index, shape)) || msg.contains("index " + index),
                "the message must name the index " + Shapes.indexOf(index, shape) + " (or flat index " + index + "), got: "
                        + msg);
    }

    // ---------------------------------------------------------------- GHM-7

    @Test
    @DisplayName("GHM-7.1 the provider names the backend, reports availability (with a reason when unavailable) and creates it")
    void required_ghm7_1_providerDescribesItself() {
        GhmBackendProvider p = provider();
        org.junit.jupiter.api.Assumptions.assumeTrue(p != null,
                "GHM-7.1 skipped: the verification does not override provider()");
        Expect e = Expect.rule("GHM-7.1").at("provider " + p.getClass().getName());
        e.isTrue(p.name() != null && !p.name().isBlank() && p.name().equals(p.name().toLowerCase(java.util.Locale.ROOT)),
                "name() must be a non-blank lower-case key, got '" + p.name() + "'");
        e.isTrue(p.name().equals(backend.name()), "provider name '" + p.name() + "' differs from the backend's '"
                + backend.name() + "'");
        org.ghm4j.api.Availability a = p.availability();
        e.isTrue(a != null, "availability() must not be null");
        e.isTrue(a.isAvailable() || !a.reason().isBlank(), "an unavailable provider must say why");
        e.isTrue(p.capabilities() != null && p.capabilities().equals(backend.capabilities()),
                "provider capabilities " + p.capabilities() + " differ from the backend's " + backend.capabilities());
        e.isTrue(p.artifact() != null && p.artifact().contains(":"),
                "artifact() must give Maven coordinates (group:artifact), got '" + p.artifact() + "'");
        try (GhmBackend created = p.create(BackendOptions.defaults())) {
            e.isTrue(created != null && created.name().equals(p.name()), "create() must return the named backend");
        }
    }

    @Test
    @DisplayName("GHM-7.4 the backend has a name and declares its capabilities")
    void required_ghm7_4_declaresNameAndCapabilities() {
        Expect e = Expect.rule("GHM-7.4");
        e.isTrue(backend.name() != null && !backend.name().isBlank(), "name() must not be blank");
        e.isTrue(backend.capabilities() != null, "capabilities() must not be null");
        for (Capability c : Capability.values()) {
            e.isTrue(backend.has(c) == backend.capabilities().contains(c), "has(" + c + ") disagrees with capabilities()");
        }
    }

    @Test
    @DisplayName("GHM-7.4 a loss needing an undeclared capability (CATEGORICAL, PROBABILITY_INPUT) is refused with GHM-CAPABILITY-MISSING")
    void required_ghm7_4_undeclaredCapabilitiesAreRefused() {
        Expect e = Expect.rule("GHM-7.4");
        boolean checked = false;
        if (!backend.has(Capability.CATEGORICAL)) {
            ExpectError.thrown(e, "loss(CategoricalConfig) without CATEGORICAL",
                    () -> backend.loss(CategoricalConfig.harmonizedCategorical()), ErrorId.CAPABILITY_MISSING);
            checked = true;
        }
        if (!backend.has(Capability.PROBABILITY_INPUT)) {
            ExpectError.thrown(e, "loss(GhmcConfig with PROBABILITIES) without PROBABILITY_INPUT",
                    () -> backend.loss(GhmcConfig.builder().input(InputKind.PROBABILITIES).build()),
                    ErrorId.CAPABILITY_MISSING);
            checked = true;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(checked,
                "GHM-7.4 nothing to refuse: backend declares both CATEGORICAL and PROBABILITY_INPUT");
    }

    @Test
    @DisplayName("GHM-7.4 every tensor kind (float32 heap, direct buffer, float64 heap, caller-supplied outputs) gives the same results")
    void required_ghm7_4_everyTensorKindGivesTheSameResult() {
        Batch b = Batch.ghmc(random(64), new Batch.Spec().rows(16).classes(3).bins(30));
        Expect e = Expect.rule("GHM-7.4");
        Outcome heap = Outcome.of(e, backend.loss(GhmcConfig.mmdetection()), b.input(DType.FLOAT32));
        Outcome f64 = Outcome.of(e, backend.loss(GhmcConfig.mmdetection()), b.input(DType.FLOAT64));
        Outcome.compare(e.at("float64 heap vs float32 heap"), heap, f64, b.shape(), b.shape(), tolerances());
        LossInput direct = LossInput.of(direct(b.pred(), b.shape()), direct(b.target(), b.shape()),
                direct(b.weight(), b.weightShape()));
        Tensor gradOut = direct(new float[b.length()], b.shape());
        LossOutput out = new LossOutput().gradientInto(gradOut).withWeights();
        double loss = backend.loss(GhmcConfig.mmdetection()).compute(direct, out);
        Expect at = e.at("direct buffers with a caller-supplied gradient buffer");
        at.isTrue(out.gradient() == gradOut, "the gradient must be written into the supplied buffer");
        Outcome d = new Outcome(loss, at.values("gradient", gradOut), at.values("weights", out.weights()), null,
                out.stats().counts(), out.stats().tot(), heap.state());
        Outcome.compare(at, heap, d, b.shape(), b.shape(), tolerances());
    }

    @Test
    @DisplayName("GHM-7.4 agrees with the testkit's float64 oracle on random batches (every loss, several steps with momentum)")
    void required_ghm7_4_agreesWithOracleOnRandomBatches() {
        Random r = random(65);
        for (int trial = 0; trial < 6; trial++) {
            int rows = 1 + r.nextInt(60);
            int classes = 1 + r.nextInt(6);
            int bins = new int[] {1, 5, 10, 30, 97}[r.nextInt(5)];
            double momentum = new double[] {0, 0.5, 0.75, 0.9}[r.nextInt(4)];
            Reduction red = Reduction.values()[r.nextInt(3)];
            Batch.Spec spec = new Batch.Spec().rows(rows).classes(classes).bins(bins).invalid(0.3 * r.nextDouble())
                    .rowWeights(r.nextBoolean()).soft(r.nextBoolean());
            Expect e = Expect.rule("GHM-7.4").at("trial " + trial);
            agreeWithOracle(e, GhmcConfig.builder().bins(bins).momentum(momentum).reduction(red)
                    .lossWeight(0.5 + r.nextDouble()).build(), steps(3, () -> Batch.ghmc(r, spec)));
            agreeWithOracle(e, GhmrConfig.builder().bins(bins).momentum(momentum).reduction(red).mu(0.02)
                    .lossWeight(0.5 + 10 * r.nextDouble()).build(), steps(3, () -> Batch.ghmr(r, spec, 0.02)));
            if (backend.has(Capability.CATEGORICAL)) {
                Batch.Spec cs = new Batch.Spec().rows(rows).classes(Math.max(2, classes)).bins(bins)
                        .invalid(0.3 * r.nextDouble()).soft(r.nextBoolean());
                CategoricalMode mode = CategoricalMode.values()[r.nextInt(2)];
                agreeWithOracle(e, CategoricalConfig.builder().mode(mode).input(InputKind.LOGITS).bins(bins)
                        .momentum(momentum).reduction(red).build(),
                        steps(3, () -> Batch.categorical(r, cs, mode, 1e-7)));
            }
        }
    }

    @Test
    @DisplayName("GHM-7.5 DETERMINISTIC backends: results are bit-identical with 1 and 4 threads")
    void optional_ghm7_5_threadCountDoesNotChangeBits() {
        requires("GHM-7.5", Capability.DETERMINISTIC);
        GhmBackend one = createBackend(new BackendOptions(1));
        org.junit.jupiter.api.Assumptions.assumeTrue(one != null, "GHM-7.5 skipped: the verification does not override "
                + "createBackend(BackendOptions), so backends with other thread counts cannot be made");
        try (GhmBackend four = createBackend(new BackendOptions(4))) {
            Random r = random(66);
            Batch.Spec spec = new Batch.Spec().rows(100_000).classes(3).bins(30).margin(0);
            List<Batch> ghmc = steps(2, () -> Batch.ghmc(r, spec));
            List<Batch> categorical = steps(2, () -> Batch.categorical(r, spec, CategoricalMode.HARMONIZED, 1e-7));
            List<LossConfig> configs = new ArrayList<>(List.of(GhmcConfig.mmdetection(), GhmrConfig.retinanet()));
            if (one.has(Capability.CATEGORICAL)) {
                configs.add(CategoricalConfig.harmonizedCategorical());
            }
            for (LossConfig config : configs) {
                HarmonizedLoss a = one.loss(config);
                HarmonizedLoss b = four.loss(config);
                List<Batch> steps = config instanceof CategoricalConfig ? categorical : ghmc;
                for (int s = 0; s < steps.size(); s++) {
                    Expect e = Expect.rule("GHM-7.5").at(config + ", 300000 elements, step " + s + ", 1 vs 4 threads");
                    Batch in = steps.get(s);
                    Outcome x = Outcome.of(e, a, in.input());
                    Outcome y = Outcome.of(e, b, in.input());
                    e.identical("loss", new int[] {1}, new double[] {x.loss()}, new double[] {y.loss()});
                    e.identical("gradient", in.shape(), x.grad(), y.grad());
                    e.identical("weights", in.shape(), x.weights(), y.weights());
                    e.identical("state S", new int[] {config.bins()}, x.state().accumulator(), y.state().accumulator());
                }
            }
        } finally {
            one.close();
        }
    }

    // ---------------------------------------------------------------- GHM-9

    @Test
    @DisplayName("GHM-9.3 a FLOAT64 backend on float64 input agrees with the oracle to 1e-12")
    void optional_ghm9_3_float64AgreesWithOracleTo1e12() {
        requires("GHM-9.3", Capability.FLOAT64);
        Random r = random(67);
        Batch.Spec spec = new Batch.Spec().rows(30).classes(4).bins(30).invalid(0.2);
        Tolerances tight = Tolerances.float64();
        agreeWithOracle(Expect.rule("GHM-9.3").at("GHM-C float64"), GhmcConfig.mmdetection(),
                steps(3, () -> Batch.ghmc(r, spec)), DType.FLOAT64, tight);
        agreeWithOracle(Expect.rule("GHM-9.3").at("GHM-R float64"), GhmrConfig.retinanet(),
                steps(3, () -> Batch.ghmr(r, spec.bins(10), 0.02)), DType.FLOAT64, tight);
        if (backend.has(Capability.CATEGORICAL)) {
            agreeWithOracle(Expect.rule("GHM-9.3").at("categorical float64"), CategoricalConfig.harmonizedCategorical(),
                    steps(3, () -> Batch.categorical(r, spec.bins(30), CategoricalMode.HARMONIZED, 1e-7)),
                    DType.FLOAT64, tight);
        }
    }

    /**
     * GHM-9.1 / GHM-9.4: every vector case (bundled, {@code -Dghm.testkit.vectors}, and
     * {@link #extraVectorDirectories()}), one dynamic test per case named by the case's name.
     */
    @TestFactory
    @DisplayName("GHM-9.1 conformance vectors (one test per case; GHM-9.4 extra directories)")
    Stream<DynamicTest> required_ghm9_1_conformanceVectors() {
        VectorFamilies families = VectorFamilies.load();
        List<VectorCase> cases = VectorCases.all(extraVectorDirectories());
        GhmBackend b = backend;
        Tolerances tol = tolerances();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), sourceUri(c.source()),
                () -> families.forFunction(c.function(), c.source()).run(c.json(), b, tol)));
    }

    private static java.net.URI sourceUri(String source) {
        java.nio.file.Path p = java.nio.file.Path.of(source);
        return java.nio.file.Files.exists(p) ? p.toUri() : java.net.URI.create("classpath:/" + source);
    }

    private static Tensor direct(float[] v, int[] shape) {
        if (v == null) {
            return null;
        }
        FloatBuffer buf = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buf.put(v).flip();
        return Tensor.direct(buf, shape.clone());
    }
}
