package org.ghm4j.detection.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.anchor.AnchorGenerator;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.assign.AssignerConfig;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;
import org.ghm4j.detection.loss.CallReport;
import org.ghm4j.detection.loss.DetectionLoss;
import org.ghm4j.detection.loss.DetectionLossResult;
import org.ghm4j.detection.loss.GhmClassificationLoss;
import org.ghm4j.detection.loss.GhmRegressionLoss;
import org.ghm4j.detection.loss.LevelPolicy;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageAnnotation;
import org.ghm4j.detection.target.ImageTargets;
import org.ghm4j.detection.target.LevelCounts;
import org.ghm4j.detection.target.TargetBuilder;
import org.ghm4j.detection.target.TargetConfig;
import org.ghm4j.testkit.vectors.VectorFamily;

/**
 * Runs the {@code retinanet_ghm_mmdet} conformance vectors (shared/conformance-vectors/README-det.md)
 * through this module and a backend: settings, base anchors, per step the feature map sizes, anchor
 * counts, sample anchors, the assignment of every anchor, the counts per level, every positive
 * (gt, label, IoUs, anchor box, target), the gts' best IoUs and positive counts, every call's loss,
 * tot, counts, histogram and state, both step losses, every logit and delta gradient, and the final
 * states, with the tolerances of README-det.md. Losses are compared with the
 * {@code _legacy_no_eps} values (D-10); the expected gradients, which are of the newest form, are
 * scaled by (tot + avg_eps) / tot of their call.
 */
public final class DetectionVectorFamily implements VectorFamily {
    public static final String FUNCTION = "retinanet_ghm_mmdet";

    @Override
    public Set<String> functions() {
        return Set.of(FUNCTION);
    }

    @Override
    public void run(JsonNode testCase, GhmBackend backend) {
        String name = testCase.path("name").asText("?");
        Check check = new Check(name);
        JsonNode s = testCase.get("settings");
        check.isTrue("settings.anchor.scale_major", s.get("anchor").path("scale_major").asBoolean(true),
                "only scale_major = true (base anchor index = ratio index * scales + scale index) is implemented");
        TargetConfig config = targetConfig(s);
        check.exact("settings.anchor.num_base_anchors", s.get("anchor").path("num_base_anchors")
                .asInt(config.anchors().numBaseAnchors()), config.anchors().numBaseAnchors());
        checkBaseAnchors(check, s.get("anchor"), new AnchorGenerator(config.anchors()));
        JsonNode gc = s.get("ghmc");
        JsonNode gr = s.get("ghmr");
        GhmcConfig ghmc = new GhmcConfig(gc.get("bins").asInt(), gc.get("momentum").asDouble(),
                gc.get("loss_weight").asDouble(), Reduction.MEAN, InputKind.LOGITS);
        GhmrConfig ghmr = new GhmrConfig(gr.get("mu").asDouble(), gr.get("bins").asInt(), gr.get("momentum").asDouble(),
                gr.get("loss_weight").asDouble(), Reduction.MEAN);
        double clsEps = gc.path("avg_eps").asDouble(0);
        double regEps = gr.path("avg_eps").asDouble(0);
        LevelPolicy policy = LevelPolicy.valueOf(s.get("level_policy").asText());
        GhmClassificationLoss cls = new GhmClassificationLoss(backend, ghmc);
        GhmRegressionLoss reg = new GhmRegressionLoss(backend, ghmr);
        JsonNode init = testCase.get("initial_state");
        restore(cls.harmonizedLoss()::restore, init.get("ghmc"), ghmc.bins(), ghmc.momentum());
        restore(reg.harmonizedLoss()::restore, init.get("ghmr"), ghmr.bins(), ghmr.momentum());
        DetectionLoss loss = new DetectionLoss(cls, reg, policy);
        TargetBuilder builder = new TargetBuilder(config);
        JsonNode steps = testCase.get("steps");
        for (int st = 0; st < steps.size(); st++) {
            check.step(st);
            JsonNode in = steps.get(st).get("inputs");
            JsonNode ex = steps.get(st).get("expected");
            int[] batch = Check.ints(in.get("batch_input_shape"));
            List<ImageAnnotation> images = new ArrayList<>();
            for (JsonNode im : in.get("images")) {
                int[] img = Check.ints(im.get("img_shape"));
                int[] pad = Check.ints(im.get("pad_shape"));
                float[] boxes = new float[im.get("gt_bboxes").size() * 4];
                int b = 0;
                for (JsonNode box : im.get("gt_bboxes")) {
                    for (JsonNode v : box) {
                        boxes[b++] = (float) Check.number(v);
                    }
                }
                images.add(new ImageAnnotation(img[0], img[1], pad[0], pad[1], boxes, Check.ints(im.get("gt_labels"))));
            }
            DetectionTargets targets = builder.build(batch[0], batch[1], images);
            checkTargets(check, ex, targets);
            float[][][] logits = logits(in.get("cls_logits"), targets);
            float[][] deltas = deltas(in.get("bbox_deltas"), targets);
            DetectionLossResult result = loss.compute(targets, logits, deltas);
            checkLosses(check, ex, result, targets, clsEps, regEps);
        }
    }

    /** The target settings of a case file's {@code settings}. */
    public static TargetConfig targetConfig(JsonNode s) {
        JsonNode a = s.get("anchor");
        AnchorConfig anchors = new AnchorConfig(Check.ints(a.get("strides")), Check.doubles(a.get("ratios")),
                a.get("octave_base_scale").asDouble(), a.get("scales_per_octave").asInt(),
                a.path("center_offset").asDouble(0));
        JsonNode as = s.get("assigner");
        double negLow = 0;
        double negHigh;
        JsonNode neg = as.get("neg_iou_thr");
        if (neg.isArray()) {
            negLow = neg.get(0).asDouble();
            negHigh = neg.get(1).asDouble();
        } else {
            negHigh = neg.asDouble();
        }
        AssignerConfig assigner = new AssignerConfig(as.get("pos_iou_thr").asDouble(), negLow, negHigh,
                as.get("min_pos_iou").asDouble(), as.path("gt_max_assign_all").asBoolean(true),
                as.path("match_low_quality").asBoolean(true), as.path("iou_eps").asDouble(1e-6));
        JsonNode c = s.get("coder");
        DeltaXYWHBBoxCoder coder = new DeltaXYWHBBoxCoder(Check.doubles(c.get("target_means")),
                Check.doubles(c.get("target_stds")), c.path("wh_ratio_clip").asDouble(DeltaXYWHBBoxCoder.DEFAULT_WH_RATIO_CLIP));
        return new TargetConfig(s.get("num_classes").asInt(), anchors, assigner, coder, s.path("allowed_border").asInt(-1),
                s.path("pos_weight").asDouble(-1));
    }

    private interface Restorer {
        void restore(DensityState state);
    }

    private static void restore(Restorer target, JsonNode values, int bins, double momentum) {
        if (values != null && !values.isNull()) {
            target.restore(new DensityState(bins, momentum, DensityMode.HARMONIZED, Check.doubles(values), 0));
        }
    }

    private static void checkBaseAnchors(Check check, JsonNode a, AnchorGenerator generator) {
        float[] scales = generator.config().scales();
        JsonNode expectedScales = a.get("scales");
        if (expectedScales != null) {
            for (int i = 0; i < scales.length; i++) {
                check.exactFloat("settings.anchor.scales[" + i + "]", Check.number(expectedScales.get(i)), scales[i]);
            }
        }
        JsonNode base = a.get("base_anchors");
        if (base == null) {
            return;
        }
        for (int l = 0; l < base.size(); l++) {
            float[] actual = generator.baseAnchors(l);
            check.exact("settings.anchor.base_anchors[" + l + "] count", base.get(l).size(), actual.length / 4);
            for (int j = 0; j < base.get(l).size(); j++) {
                for (int c = 0; c < 4; c++) {
                    check.exactFloat("settings.anchor.base_anchors[" + l + "][" + j + "][" + c + "]",
                            Check.number(base.get(l).get(j).get(c)), actual[4 * j + c]);
                }
            }
        }
    }

    private static void checkTargets(Check check, JsonNode ex, DetectionTargets targets) {
        AnchorGrid grid = targets.grid();
        JsonNode fm = ex.get("featmap_sizes");
        for (int l = 0; l < grid.numLevels(); l++) {
            check.exact("featmap_sizes[" + l + "][0]", fm.get(l).get(0).asInt(), grid.featmapSize(l)[0]);
            check.exact("featmap_sizes[" + l + "][1]", fm.get(l).get(1).asInt(), grid.featmapSize(l)[1]);
            check.exact("num_anchors[" + l + "]", ex.get("num_anchors").get(l).asInt(), grid.numAnchors(l));
        }
        for (JsonNode row : ex.get("anchors_sample")) {
            int l = row.get(0).asInt();
            int j = row.get(1).asInt();
            float[] box = grid.anchor(l, j);
            for (int c = 0; c < 4; c++) {
                check.exactFloat("anchors_sample level " + l + " anchor " + j + " [" + c + "]",
                        Check.number(row.get(2 + c)), box[c]);
            }
        }
        String[] countNames = {"valid", "pos", "neg", "ignored", "invalid", "low_quality", "reassigned"};
        for (int i = 0; i < targets.numImages(); i++) {
            JsonNode ei = ex.get("images").get(i);
            ImageTargets t = targets.image(i);
            for (int l = 0; l < grid.numLevels(); l++) {
                LevelCounts c = t.counts(l);
                int[] actual = {c.valid(), c.pos(), c.neg(), c.ignored(), c.invalid(), c.lowQuality(), c.reassigned()};
                for (int q = 0; q < countNames.length; q++) {
                    check.exact("images[" + i + "].counts." + countNames[q] + "[" + l + "]",
                            ei.get("counts").get(countNames[q]).get(l).asInt(), actual[q]);
                }
                JsonNode assign = ei.get("assign").get(l);
                check.exact("images[" + i + "].assign[" + l + "] length", assign.size(), grid.numAnchors(l));
                int[] assigned = t.assignment().assigned();
                int start = grid.levelStart(l);
                for (int j = 0; j < assign.size(); j++) {
                    check.exact("images[" + i + "].assign[" + l + "][" + j + "]", assign.get(j).asInt(),
                            assigned[start + j]);
                }
            }
            JsonNode pos = ei.get("positives");
            check.exact("images[" + i + "].positives count", pos.size(), t.numPositives());
            float[] maxIou = t.assignment().maxIou();
            for (int p = 0; p < pos.size(); p++) {
                JsonNode row = pos.get(p);
                int l = row.get(0).asInt();
                int j = row.get(1).asInt();
                int flat = grid.levelStart(l) + j;
                String f = "images[" + i + "].positives[" + p + "] (level " + l + ", anchor " + j + ")";
                check.exact(f + " anchor", flat, t.posIndex()[p]);
                int g = row.get(2).asInt();
                check.exact(f + " gt", g, t.posGt()[p]);
                check.exact(f + " label", row.get(3).asInt(), t.labels()[flat]);
                float[] box = grid.anchor(l, j);
                float[] gt = targets.gtBoxes().get(i);
                float iou = org.ghm4j.detection.assign.MaxIoUAssigner.iou(box[0], box[1], box[2], box[3],
                        grid.area()[flat], gt[4 * g], gt[4 * g + 1], gt[4 * g + 2], gt[4 * g + 3],
                        (gt[4 * g + 2] - gt[4 * g]) * (gt[4 * g + 3] - gt[4 * g + 1]),
                        (float) targets.config().assigner().iouEps());
                check.close(f + " iou", Check.number(row.get(4)), iou, 0, 1e-6);
                check.close(f + " max_iou", Check.number(row.get(5)), maxIou[flat], 0, 1e-6);
                for (int c = 0; c < 4; c++) {
                    check.exactFloat(f + " anchor box[" + c + "]", Check.number(row.get(6 + c)), box[c]);
                    check.close(f + " target[" + c + "]", Check.number(row.get(10 + c)), t.posTargets()[4 * p + c],
                            2e-6, 0);
                }
            }
            JsonNode gtMax = ei.get("gt_max_iou");
            JsonNode gtNum = ei.get("gt_num_pos");
            for (int g = 0; g < gtMax.size(); g++) {
                check.close("images[" + i + "].gt_max_iou[" + g + "]", Check.number(gtMax.get(g)),
                        t.assignment().gtMaxIou()[g], 0, 1e-6);
                check.exact("images[" + i + "].gt_num_pos[" + g + "]", gtNum.get(g).asInt(), t.gtNumPos()[g]);
            }
        }
    }

    private static float[][][] logits(JsonNode node, DetectionTargets targets) {
        float[][][] out = new float[targets.numImages()][][];
        for (int i = 0; i < out.length; i++) {
            JsonNode img = node.get(i);
            out[i] = new float[img.size()][];
            for (int l = 0; l < img.size(); l++) {
                out[i][l] = Check.floats(img.get(l));
            }
        }
        return out;
    }

    private static float[][] deltas(JsonNode node, DetectionTargets targets) {
        AnchorGrid grid = targets.grid();
        float[][] out = new float[targets.numImages()][grid.totalAnchors() * 4];
        for (int i = 0; i < out.length; i++) {
            for (JsonNode row : node.get(i)) {
                int flat = grid.levelStart(row.get(0).asInt()) + row.get(1).asInt();
                for (int c = 0; c < 4; c++) {
                    out[i][4 * flat + c] = (float) Check.number(row.get(2 + c));
                }
            }
        }
        return out;
    }

    private static void checkLosses(Check check, JsonNode ex, DetectionLossResult result, DetectionTargets targets,
                                    double clsEps, double regEps) {
        AnchorGrid grid = targets.grid();
        JsonNode calls = ex.get("calls");
        check.exact("calls count", calls.size(), result.calls().size());
        int[] clsCallOfLevel = new int[grid.numLevels()];
        double[] clsTot = new double[calls.size()];
        double[] regTot = new double[calls.size()];
        int[] regCallOfLevel = new int[grid.numLevels()];
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            CallReport r = result.calls().get(j);
            int[] levels = Check.ints(call.get("levels"));
            check.isTrue("calls[" + j + "].levels", java.util.Arrays.equals(levels, r.levels()),
                    "expected " + java.util.Arrays.toString(levels) + ", actual " + java.util.Arrays.toString(r.levels()));
            for (int l : levels) {
                clsCallOfLevel[l] = j;
                regCallOfLevel[l] = j;
            }
            clsTot[j] = checkCall(check, "calls[" + j + "].cls", call.get("cls"), r.clsLoss(), r.clsStats(),
                    r.clsStateAfter());
            regTot[j] = checkCall(check, "calls[" + j + "].reg", call.get("reg"), r.regLoss(), r.regStats(),
                    r.regStateAfter());
        }
        check.close("loss_cls (legacy_no_eps)", ex.get("loss_cls_legacy_no_eps").asDouble(), result.lossCls(), 0, 1e-5);
        check.close("loss_bbox (legacy_no_eps)", ex.get("loss_bbox_legacy_no_eps").asDouble(), result.lossBbox(), 0,
                1e-5);
        // grad_cls_logits: atol 1e-5 * max|expected|, rtol 1e-5, expected scaled to the legacy form
        JsonNode gcl = ex.get("grad_cls_logits");
        double maxCls = 0;
        for (JsonNode img : gcl) {
            for (JsonNode lvl : img) {
                for (JsonNode v : lvl) {
                    maxCls = Math.max(maxCls, Math.abs(Check.number(v)));
                }
            }
        }
        for (int i = 0; i < targets.numImages(); i++) {
            for (int l = 0; l < grid.numLevels(); l++) {
                JsonNode lvl = gcl.get(i).get(l);
                float[] actual = result.gradCls()[i][l];
                check.exact("grad_cls_logits[" + i + "][" + l + "] length", lvl.size(), actual.length);
                double tot = clsTot[clsCallOfLevel[l]];
                double scale = (tot + clsEps) / tot;
                for (int e = 0; e < lvl.size(); e++) {
                    check.close("grad_cls_logits[" + i + "][" + l + "][" + e + "]", Check.number(lvl.get(e)) * scale,
                            actual[e], 1e-5 * maxCls, 1e-5);
                }
            }
        }
        JsonNode gbd = ex.get("grad_bbox_deltas");
        double maxBox = 0;
        for (JsonNode img : gbd) {
            for (JsonNode row : img) {
                for (int c = 0; c < 4; c++) {
                    maxBox = Math.max(maxBox, Math.abs(Check.number(row.get(2 + c))));
                }
            }
        }
        for (int i = 0; i < targets.numImages(); i++) {
            float[] actual = result.gradBbox()[i].clone();
            for (JsonNode row : gbd.get(i)) {
                int l = row.get(0).asInt();
                int j = row.get(1).asInt();
                int flat = grid.levelStart(l) + j;
                double tot = regTot[regCallOfLevel[l]];
                double scale = (tot + regEps) / tot;
                for (int c = 0; c < 4; c++) {
                    check.close("grad_bbox_deltas[" + i + "] level " + l + " anchor " + j + " [" + c + "]",
                            Check.number(row.get(2 + c)) * scale, actual[4 * flat + c], 1e-4 * maxBox, 1e-5);
                    actual[4 * flat + c] = 0f;
                }
            }
            for (int e = 0; e < actual.length; e++) {
                if (actual[e] != 0f) {
                    int flat = e / 4;
                    int l = grid.levelOf(flat);
                    check.isTrue("grad_bbox_deltas[" + i + "] level " + l + " anchor " + (flat - grid.levelStart(l)),
                            false, "expected exactly 0 (not a positive anchor), actual " + actual[e]);
                }
            }
        }
        JsonNode sa = ex.get("state_after");
        if (!result.calls().isEmpty()) {
            CallReport last = result.calls().get(result.calls().size() - 1);
            checkState(check, "state_after.ghmc", sa.get("ghmc"), last.clsStateAfter());
            checkState(check, "state_after.ghmr", sa.get("ghmr"), last.regStateAfter());
        }
    }

    /** Checks one call's fields and returns its tot. */
    private static double checkCall(Check check, String f, JsonNode e, double loss, BinStats stats,
                                    DensityState state) {
        check.close(f + ".loss (legacy_no_eps)", e.get("loss_legacy_no_eps").asDouble(), loss, 0, 1e-5);
        check.exact(f + ".tot", Math.round(e.get("tot").asDouble()), Math.round(stats.tot()));
        check.exactFloat(f + ".tot", e.get("tot").asDouble(), stats.tot());
        check.exact(f + ".n_valid", e.get("n_valid").asLong(), stats.valid());
        check.exact(f + ".n_nonempty_bins", e.get("n_nonempty_bins").asInt(), stats.nonEmptyBins());
        JsonNode bins = e.get("bin_counts");
        check.exact(f + ".bin_counts length", bins.size(), stats.bins());
        for (int k = 0; k < bins.size(); k++) {
            check.exact(f + ".bin_counts[" + k + "]", bins.get(k).asLong(), stats.count(k));
        }
        checkState(check, f + ".state_after", e.get("state_after"), state);
        return stats.tot();
    }

    private static void checkState(Check check, String f, JsonNode expected, DensityState actual) {
        if (expected == null || expected.isNull()) {
            return;
        }
        check.isTrue(f, actual != null, "expected a state, the loss has none");
        check.exact(f + " bins", expected.size(), actual.bins());
        for (int k = 0; k < expected.size(); k++) {
            check.close(f + "[" + k + "]", Check.number(expected.get(k)), actual.accumulator(k), 0, 1e-6);
        }
    }
}
