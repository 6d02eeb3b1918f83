package org.ghm4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.testkit.oracle.OracleBackend;
import org.ghm4j.testkit.oracle.OracleMath;

/**
 * Writes the testkit's own vector cases (src/main/resources/org/ghm4j/testkit/vectors/data/testkit)
 * from the oracle, in the schema of shared/conformance-vectors (plus the optional fields the
 * testkit's families read: params.reduction, params.input, params.loss_weight for the seed family,
 * expected.element_loss, expected.grad for the seed family). Deterministic: {@link
 * GeneratedVectorsTest} checks that the committed files equal a fresh generation.
 *
 * <p>Run from ghm-testkit: {@code java -cp target/classes:target/test-classes:<deps>
 * org.ghm4j.testkit.VectorGenerator src/main/resources/org/ghm4j/testkit/vectors/data/testkit}.
 */
public final class VectorGenerator {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OracleMath MATH = new OracleMath();
    private static final OracleBackend ORACLE = new OracleBackend();

    private VectorGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, JsonNode> e : generate().entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, MAPPER.writeValueAsString(e.getValue()) + "\n");
        }
    }

    /** File name (relative to the testkit vector folder) to content. */
    static Map<String, JsonNode> generate() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Random r = new Random(20261128);

        // ---- ghmc_mmdet
        out.put("ghmc/tk_c01_edge_neighbours_m30.json", mmdet("tk_c01_edge_neighbours_m30",
                "logit -100 and targets at every float32 edge of 30 bins and its neighbours: g = t exactly",
                List.of("testkit", "edge"), GhmcConfig.builder().momentum(0).build(), List.of(edgeBatch(30))));
        out.put("ghmc/tk_c02_edge_neighbours_m7_m075.json", mmdet("tk_c02_edge_neighbours_m7_m075",
                "edge neighbours of 7 bins (edges not exact in binary), momentum 0.75, 2 steps",
                List.of("testkit", "edge", "momentum"), GhmcConfig.builder().bins(7).build(),
                List.of(edgeBatch(7), edgeBatch(7))));
        out.put("ghmc/tk_c03_bins1.json", mmdet("tk_c03_bins1", "M = 1: every valid element in the one bin",
                List.of("testkit", "bins"), GhmcConfig.builder().bins(1).build(), ghmcSteps(r, 2, spec(9, 3, 1))));
        out.put("ghmc/tk_c04_bins1000_m09.json", mmdet("tk_c04_bins1000_m09", "M = 1000, momentum 0.9, 3 steps",
                List.of("testkit", "bins", "momentum"), GhmcConfig.builder().bins(1000).momentum(0.9).build(),
                ghmcSteps(r, 3, spec(60, 5, 1000))));
        out.put("ghmc/tk_c05_sum_loss_weight.json", mmdet("tk_c05_sum_loss_weight", "SUM reduction, lossWeight 2.5",
                List.of("testkit", "reduction", "loss_weight"),
                GhmcConfig.builder().reduction(Reduction.SUM).lossWeight(2.5).build(), ghmcSteps(r, 2, spec(12, 4, 30))));
        out.put("ghmc/tk_c06_none.json", mmdet("tk_c06_none", "NONE reduction: per-element losses (D-1)",
                List.of("testkit", "reduction"), GhmcConfig.builder().reduction(Reduction.NONE).build(),
                ghmcSteps(r, 2, spec(10, 3, 30))));
        out.put("ghmc/tk_c07_soft_targets.json", mmdet("tk_c07_soft_targets", "soft targets in [0, 1]",
                List.of("testkit", "soft"), GhmcConfig.mmdetection(), ghmcSteps(r, 2, spec(15, 3, 30).soft(true))));
        out.put("ghmc/tk_c08_row_weights.json", mmdet("tk_c08_row_weights", "label weights of shape [N] (D-6)",
                List.of("testkit", "mask", "row_weights"), GhmcConfig.mmdetection(),
                ghmcSteps(r, 2, spec(15, 4, 30).rowWeights(true).invalid(0.3))));
        out.put("ghmc/tk_c09_probabilities.json", mmdet("tk_c09_probabilities",
                "probabilities input (GHM-2.7), gradient w.r.t. p", List.of("testkit", "probabilities"),
                GhmcConfig.builder().input(InputKind.PROBABILITIES).build(),
                ghmcSteps(r, 2, spec(12, 3, 30).probabilities(true))));
        List<Batch> quirk = ghmcSteps(r, 3, spec(6, 3, 30));
        float[] nan = quirk.get(1).pred().clone();
        nan[4] = Float.NaN;
        quirk.set(1, quirk.get(1).withPred(nan));
        out.put("ghmc/tk_c10_quirk_nan_logit.json", mmdet("tk_c10_quirk_nan_logit",
                "step 1 has a NaN logit: refused (GHM-6.1), state unchanged, step 2 continues from step 0",
                List.of("testkit", "quirk"), GhmcConfig.mmdetection(), quirk));
        List<Batch> gap = ghmcSteps(r, 3, spec(8, 3, 30));
        gap.set(1, gap.get(1).withWeight(new float[24], new int[] {8, 3}));
        out.put("ghmc/tk_c11_no_valid_step.json", mmdet("tk_c11_no_valid_step",
                "middle step has no valid element: loss 0, state and steps unchanged (GHM-1.8, D-5)",
                List.of("testkit", "all_invalid", "momentum"), GhmcConfig.mmdetection(), gap));

        // ---- ghmr_mmdet
        out.put("ghmr/tk_r01_bins1.json", mmdet("tk_r01_bins1", "M = 1", List.of("testkit", "bins"),
                GhmrConfig.builder().bins(1).momentum(0.5).build(), ghmrSteps(r, 2, spec(8, 4, 1))));
        out.put("ghmr/tk_r02_weights_two_sum.json", mmdet("tk_r02_weights_two_sum",
                "label weights 0 or 2 (tot = their sum, GHM-4.3), SUM, lossWeight 10",
                List.of("testkit", "mask", "reduction", "loss_weight"),
                GhmrConfig.retinanet().toBuilder().reduction(Reduction.SUM).build(),
                ghmrSteps(r, 2, spec(10, 4, 10).invalid(0.3).weightValue(2.0))));
        out.put("ghmr/tk_r03_row_weights_none.json", mmdet("tk_r03_row_weights_none",
                "label weights [N] and NONE reduction", List.of("testkit", "row_weights", "reduction"),
                GhmrConfig.builder().reduction(Reduction.NONE).build(),
                ghmrSteps(r, 1, spec(10, 4, 10).rowWeights(true).invalid(0.4))));
        out.put("ghmr/tk_r04_bins1000_m09.json", mmdet("tk_r04_bins1000_m09", "M = 1000, momentum 0.9, mu 0.1",
                List.of("testkit", "bins", "momentum"), GhmrConfig.builder().bins(1000).momentum(0.9).mu(0.1).build(),
                ghmrSteps(r, 2, spec(40, 4, 1000))));
        List<Batch> rq = ghmrSteps(r, 3, spec(5, 4, 10));
        float[] inf = rq.get(1).target().clone();
        inf[7] = Float.POSITIVE_INFINITY;
        rq.set(1, rq.get(1).withTarget(inf));
        out.put("ghmr/tk_r05_quirk_infinite_target.json", mmdet("tk_r05_quirk_infinite_target",
                "step 1 has an infinite target delta: refused (GHM-6.1), state unchanged",
                List.of("testkit", "quirk"), GhmrConfig.retinanet(), rq));

        // ---- ghm_categorical_seed
        CategoricalConfig seed = CategoricalConfig.seedCategorical();
        out.put("seed/tk_s01_bins1.json", seedCase("tk_s01_bins1", "M = 1", List.of("testkit", "bins"),
                seed.toBuilder().bins(1).build(), seedSteps(r, 2, spec(6, 3, 1).invalid(0.2), true)));
        out.put("seed/tk_s02_soft_loss_weight.json", seedCase("tk_s02_soft_loss_weight",
                "soft targets, loss_weight 0.5", List.of("testkit", "soft", "loss_weight"),
                seed.toBuilder().lossWeight(0.5).build(), seedSteps(r, 2, spec(8, 4, 30).soft(true).invalid(0.2), true)));
        out.put("seed/tk_s03_logits.json", seedCase("tk_s03_logits",
                "logits input: softmax inside, gradient by the chain rule (D-4)", List.of("testkit", "logits"),
                seed.toBuilder().input(InputKind.LOGITS).build(), seedSteps(r, 2, spec(8, 3, 30).invalid(0.2), false)));
        out.put("seed/tk_s04_bins1000.json", seedCase("tk_s04_bins1000", "M = 1000", List.of("testkit", "bins"),
                seed.toBuilder().bins(1000).build(), seedSteps(r, 2, spec(30, 5, 1000).invalid(0.1), true)));
        out.put("seed/tk_s05_momentum0.json", seedCase("tk_s05_momentum0", "momentum 0: D = R",
                List.of("testkit", "momentum"), seed.toBuilder().momentum(0).build(),
                seedSteps(r, 2, spec(7, 3, 30).invalid(0.2), true)));
        List<Batch> none = seedSteps(r, 3, spec(6, 3, 30).invalid(0), true);
        none.set(1, none.get(1).withWeight(new float[6], new int[] {6}));
        out.put("seed/tk_s06_no_valid_row_still_decays.json", seedCase("tk_s06_no_valid_row_still_decays",
                "middle step has no valid row: every bin still decays (GHM-1.8, D-5)",
                List.of("testkit", "all_invalid", "empty_bins"), seed, none));
        List<Batch> sq = seedSteps(r, 3, spec(5, 3, 30).invalid(0), true);
        float[] p = sq.get(1).pred().clone();
        p[2] = Float.NaN;
        sq.set(1, sq.get(1).withPred(p));
        out.put("seed/tk_s07_quirk_nan_probability.json", seedCase("tk_s07_quirk_nan_probability",
                "step 1 has a NaN probability: refused (GHM-6.1), state unchanged", List.of("testkit", "quirk"), seed, sq));
        return out;
    }

    private static Batch.Spec spec(int rows, int classes, int bins) {
        return new Batch.Spec().rows(rows).classes(classes).bins(bins).margin(2e-6).invalid(0.2);
    }

    private static List<Batch> ghmcSteps(Random r, int n, Batch.Spec s) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Batch.ghmc(r, s));
        }
        return out;
    }

    private static List<Batch> ghmrSteps(Random r, int n, Batch.Spec s) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Batch.ghmr(r, s, 0.1));
        }
        return out;
    }

    private static List<Batch> seedSteps(Random r, int n, Batch.Spec s, boolean probabilities) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Batch b = Batch.categorical(r, s.probabilities(probabilities), CategoricalMode.SEED, 1e-7);
            out.add(b.weight() != null ? b : b.withWeight(ones(s.rows), new int[] {s.rows}));
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }

    /** Every float32 edge of M bins and its two neighbours as targets, with logit -100 (g = t). */
    private static Batch edgeBatch(int m) {
        float[] e = MATH.edges(m, 1.0f + 1e-6f);
        List<Float> t = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            t.add(e[k]);
            if (k > 0) {
                t.add(Math.nextDown(e[k]));
            }
            t.add(Math.nextUp(e[k]));
        }
        t.add(1.0f);
        float[] tv = new float[t.size()];
        float[] x = new float[t.size()];
        for (int i = 0; i < tv.length; i++) {
            tv[i] = t.get(i);
            x[i] = -100f;
        }
        return new Batch(x, tv, ones(tv.length), new int[] {tv.length, 1}, new int[] {tv.length, 1});
    }

    private static ObjectNode header(String function, String name, String description, List<String> tags) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("schema_version", 1);
        c.put("function", function);
        c.put("name", name);
        c.put("description", description);
        ArrayNode t = c.putArray("tags");
        tags.forEach(t::add);
        return c;
    }

    private static JsonNode mmdet(String name, String description, List<String> tags, LossConfig config,
                                  List<Batch> steps) {
        boolean ghmc = config instanceof GhmcConfig;
        ObjectNode c = header(ghmc ? "ghmc_mmdet" : "ghmr_mmdet", name, description, tags);
        ObjectNode p = c.putObject("params");
        double mu = ghmc ? 0 : ((GhmrConfig) config).mu();
        if (!ghmc) {
            p.put("mu", mu);
        }
        p.put("bins", config.bins());
        p.put("momentum", config.momentum());
        p.put("loss_weight", config.lossWeight());
        p.put("avg_eps", 0.0);
        float[] edges = MATH.edges(config.bins(), config.estimatorConfig().topEdge().value());
        ArrayNode e = p.putArray("edges");
        for (float f : edges) {
            e.add((double) f);
        }
        if (config.reduction() != Reduction.MEAN) {
            p.put("reduction", config.reduction().name());
        }
        boolean probabilities = ghmc && ((GhmcConfig) config).input() == InputKind.PROBABILITIES;
        if (probabilities) {
            p.put("input", "probabilities");
        }
        ArrayNode shape = c.putArray("shape");
        Arrays.stream(steps.get(0).shape()).forEach(shape::add);
        if (config.momentum() > 0) {
            ArrayNode init = c.putArray("initial_state");
            for (int k = 0; k < config.bins(); k++) {
                init.add(0.0);
            }
        } else {
            c.putNull("initial_state");
        }
        HarmonizedLoss loss = ORACLE.loss(config);
        ArrayNode list = c.putArray("steps");
        for (Batch b : steps) {
            ObjectNode step = list.addObject();
            ObjectNode in = step.putObject("inputs");
            in.set("pred", nested(b.pred(), b.shape()));
            in.set("target", nested(b.target(), b.shape()));
            if (b.weight() != null) {
                in.set("label_weight", nested(b.weight(), b.weightShape()));
            }
            ObjectNode ex = step.putObject("expected");
            LossOutput out = new LossOutput().withWeights();
            double value;
            try {
                value = loss.compute(b.input(), out);
            } catch (IllegalArgumentException refused) {
                for (String f : new String[] {"loss", "loss_legacy_no_eps", "grad", "weights"}) {
                    ex.put(f, "NaN");
                }
                continue;
            }
            ex.put("loss", value);
            ex.put("loss_legacy_no_eps", value);
            ex.put("tot", out.stats().tot());
            ex.put("n_valid", out.stats().valid());
            ex.put("n_nonempty_bins", out.stats().nonEmptyBins());
            ArrayNode counts = ex.putArray("bin_counts");
            Arrays.stream(out.stats().counts()).forEach(counts::add);
            double[] g = new double[b.length()];
            double[] bin = new double[b.length()];
            for (int i = 0; i < g.length; i++) {
                double x = b.pred()[i];
                double t = b.target()[i];
                double d = x - t;
                g[i] = !ghmc ? Math.abs(d) / Math.sqrt(d * d + mu * mu) : Math.abs((probabilities ? x : MATH.sigmoid(x)) - t);
                double w = b.weight() == null ? 1 : b.weightShape().length == 1 && b.shape().length > 1
                        ? b.weight()[i / b.shape()[1]] : b.weight()[i];
                bin[i] = w > 0 ? MATH.bin(g[i], edges) : -1;
            }
            ex.set("g", nested(g, b.shape()));
            ex.set("bin", nestedInts(bin, b.shape()));
            ex.set("weights", nested(values(out.weights()), b.shape()));
            ex.set("grad", nested(values(out.gradient()), b.shape()));
            if (out.elementLoss() != null) {
                ex.set("element_loss", nested(values(out.elementLoss()), b.shape()));
            }
            if (config.momentum() > 0) {
                ArrayNode s = ex.putArray("state_after");
                Arrays.stream(loss.snapshot().accumulator()).forEach(s::add);
            } else {
                ex.putNull("state_after");
            }
        }
        return c;
    }

    private static JsonNode seedCase(String name, String description, List<String> tags, CategoricalConfig config,
                                     List<Batch> steps) {
        ObjectNode c = header("ghm_categorical_seed", name, description, tags);
        ObjectNode p = c.putObject("params");
        p.put("bins", config.bins());
        p.put("momentum", config.momentum());
        p.put("epsilon", config.epsilon());
        float[] edges = MATH.edges(config.bins(), 1.0f);
        ArrayNode e = p.putArray("edges");
        for (float f : edges) {
            e.add((double) f);
        }
        if (config.lossWeight() != 1.0) {
            p.put("loss_weight", config.lossWeight());
        }
        boolean logits = config.input() == InputKind.LOGITS;
        if (logits) {
            p.put("input", "logits");
        }
        ArrayNode shape = c.putArray("shape");
        Arrays.stream(steps.get(0).shape()).forEach(shape::add);
        ArrayNode init = c.putArray("initial_state");
        for (int k = 0; k < config.bins(); k++) {
            init.add(0.0);
        }
        HarmonizedLoss mean = ORACLE.loss(config);
        HarmonizedLoss rows = ORACLE.loss(config.toBuilder().reduction(Reduction.NONE).build());
        ArrayNode list = c.putArray("steps");
        int classes = steps.get(0).shape()[1];
        for (Batch b : steps) {
            ObjectNode step = list.addObject();
            ObjectNode in = step.putObject("inputs");
            in.set("y_true", nested(b.target(), b.shape()));
            in.set("y_pred", nested(b.pred(), b.shape()));
            in.set("valid_mask", nested(b.weight(), b.weightShape()));
            ObjectNode ex = step.putObject("expected");
            LossOutput out = new LossOutput().withWeights();
            LossOutput perRow = new LossOutput();
            double value;
            try {
                value = mean.compute(b.input(), out);
                rows.compute(b.input(), perRow);
            } catch (IllegalArgumentException refused) {
                ex.put("loss_row_mean", "NaN");
                ex.put("loss_per_row", "NaN");
                continue;
            }
            ex.set("loss_per_row", nested(values(perRow.elementLoss()), new int[] {b.shape()[0]}));
            ex.put("loss_row_mean", value);
            ArrayNode counts = ex.putArray("bin_counts");
            Arrays.stream(out.stats().counts()).forEach(counts::add);
            double[] g = new double[b.length()];
            double[] bin = new double[b.length()];
            double[] density = values(out.weights());
            for (int row = 0; row < b.shape()[0]; row++) {
                double[] pr = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, b.pred()[row * classes + k]);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(b.pred()[row * classes + k] - max);
                }
                for (int k = 0; k < classes; k++) {
                    int i = row * classes + k;
                    pr[k] = logits ? Math.exp(b.pred()[i] - max) / sum : b.pred()[i];
                    double pc = Math.min(Math.max(pr[k], config.epsilon()), 1 - config.epsilon());
                    g[i] = Math.abs(b.target()[i] - pc);
                    bin[i] = b.weight()[row] > 0 ? MATH.bin(g[i], edges) : -1;
                }
            }
            for (int i = 0; i < density.length; i++) {
                density[i] = 1.0 / density[i];
            }
            ex.set("g", nested(g, b.shape()));
            ex.set("bin", nestedInts(bin, b.shape()));
            ex.set("density", nested(density, b.shape()));
            ex.set("grad", nested(values(out.gradient()), b.shape()));
            ArrayNode s = ex.putArray("state_after");
            Arrays.stream(mean.snapshot().accumulator()).forEach(s::add);
        }
        return c;
    }

    private static double[] values(org.ghm4j.api.tensor.Tensor t) {
        double[] v = new double[t.length()];
        t.copyTo(v, 0);
        return v;
    }

    private static JsonNode nested(float[] v, int[] shape) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return nested(d, shape);
    }

    private static JsonNode nested(double[] v, int[] shape) {
        return build(v, shape, 0, 0, false);
    }

    private static JsonNode nestedInts(double[] v, int[] shape) {
        return build(v, shape, 0, 0, true);
    }

    private static JsonNode build(double[] v, int[] shape, int dim, int offset, boolean ints) {
        ArrayNode a = MAPPER.createArrayNode();
        int stride = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        for (int i = 0; i < shape[dim]; i++) {
            if (dim == shape.length - 1) {
                double x = v[offset + i];
                if (ints) {
                    a.add((long) x);
                } else if (Double.isFinite(x)) {
                    a.add(x);
                } else {
                    a.add(Double.toString(x));
                }
            } else {
                a.add(build(v, shape, dim + 1, offset + i * stride, ints));
            }
        }
        return a;
    }
}
