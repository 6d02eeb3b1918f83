package org.ghm4j.testkit.broken;

import java.util.List;
import java.util.function.Supplier;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.GhmError;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.HistogramSynchronizer;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.testkit.oracle.OracleBackend;
import org.ghm4j.testkit.oracle.OracleMath;

/**
 * Deliberately wrong backends, each the oracle with one mistake that real implementations make,
 * and the rule tests that must catch it.
 *
 * @param name        what is wrong
 * @param factory     creates the broken backend
 * @param mustFail    rule tests (method names) that must fail
 * @param messageHint a fragment the first of them must contain in its message
 */
public record BrokenBackends(String name, Supplier<GhmBackend> factory, List<String> mustFail, String messageHint) {

    @Override
    public String toString() {
        return name;
    }

    public static List<BrokenBackends> all() {
        return List.of(
                new BrokenBackends("ignores the label-weight mask", () -> loss("ignores-mask", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        return delegate.compute(LossInput.of(in.pred(), in.target(), null), out, u);
                    }
                }), List.of("required_ghm1_3_invalidElementsGetZeroWeightLossAndGradient",
                        "required_ghm1_3_invalidElementsCanTakeAnyFiniteValue"), "GHM-1.3"),

                new BrokenBackends("decays empty bins in harmonized mode", () -> math("decays-empty-bins", new OracleMath() {
                    @Override
                    public double[] nextState(double[] s, long[] r, double a, DensityMode mode) {
                        double[] next = super.nextState(s, r, a, mode);
                        for (int k = 0; k < next.length; k++) {
                            if (r[k] == 0 && a > 0) {
                                next[k] = a * s[k];
                            }
                        }
                        return next;
                    }
                }), List.of("required_ghm1_5_emptyBinsKeepTheirState"), "S after step 2"),

                new BrokenBackends("bins with floor(g*M) without edge correction", () -> math("floor-binning", new OracleMath() {
                    @Override
                    public int bin(double g, float[] edges) {
                        int m = edges.length - 1;
                        if (!(g >= 0) || !(g < edges[m])) {
                            return -1;
                        }
                        return Math.min((int) Math.floor(g * m), m - 1);
                    }
                }), List.of("required_ghm1_2_binsFollowFloat32EdgesAtEveryNeighbour",
                        "required_ghm1_2_lossBinsByEdgeNotFloor"), "bin"),

                new BrokenBackends("forgets to divide by n", () -> math("forgets-n", new OracleMath() {
                    @Override
                    public double harmonizedWeight(double tot, double density, int n) {
                        return tot / density;
                    }
                }), List.of("required_ghm1_6_weightsSumToTotAtMomentumZero", "required_ghm2_5_gradientMatchesFormula"),
                        "GHM-1.6"),

                new BrokenBackends("seeds the EMA with the first count (bias correction)", () -> math("bias-corrected", new OracleMath() {
                    @Override
                    public double[] nextState(double[] s, long[] r, double a, DensityMode mode) {
                        double[] next = super.nextState(s, r, a, mode);
                        for (int k = 0; k < next.length; k++) {
                            if (s[k] == 0 && r[k] > 0) {
                                next[k] = r[k];
                            }
                        }
                        return next;
                    }
                }), List.of("required_ghm1_5_firstCallIsNotBiasCorrected"), "GHM-1.5"),

                new BrokenBackends("wrong gradient sign", () -> loss("wrong-sign", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        double v = delegate.compute(in, out, u);
                        Tensor g = out.gradient();
                        for (int i = 0; g != null && i < g.length(); i++) {
                            g.setDouble(i, -g.getDouble(i));
                        }
                        return v;
                    }
                }), List.of("required_ghm2_5_gradientMatchesFormula", "required_ghm2_5_gradientMatchesFiniteDifferences",
                        "required_ghm4_4_gradientMatchesFormula"), "gradient"),

                new BrokenBackends("accepts NaN silently (replaces it by 0)", () -> loss("accepts-nan", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        return delegate.compute(LossInput.of(clean(in.pred()), clean(in.target()),
                                in.labelWeight() == null ? null : clean(in.labelWeight())), out, u);
                    }
                }), List.of("required_ghm6_1_nonFiniteInputIsRefused", "required_ghm6_5_errorsAreUncheckedWithStableIds"),
                        "GHM-6.1"),

                new BrokenBackends("moves the state on a failed call", () -> loss("moves-state-on-failure", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        try {
                            return delegate.compute(in, out, u);
                        } catch (RuntimeException e) {
                            if (e instanceof GhmError && in.labelWeight() != null) {
                                // commits the batch with every element masked but one, then reports the error
                                Tensor w = Tensor.zeros(in.labelWeight().dtype(), in.labelWeight().shape());
                                w.setDouble(0, 1.0);
                                delegate.compute(LossInput.of(clean(in.pred()), clip(in.target()), w), new LossOutput(), u);
                            }
                            throw e;
                        }
                    }
                }), List.of("required_ghm5_3_failedCallLeavesStateUntouched"), "state moved on a failed call"),

                new BrokenBackends("PREVIEW commits the state", () -> loss("preview-commits", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        return delegate.compute(in, out, StateUpdate.COMMIT);
                    }
                }), List.of("required_ghm5_4_previewDoesNotMoveState"), "PREVIEW moved the state"),

                new BrokenBackends("ignores the synchronizer", () -> loss("ignores-synchronizer", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public void synchronizer(HistogramSynchronizer s) {
                    }
                }), List.of("required_ghm5_5_synchronizedWorkersEqualOneWorker",
                        "required_ghm5_5_splitMomentumZeroBatchWithGlobalHistogram"), "GHM-5.5"),

                new BrokenBackends("restores any snapshot without checking its settings", () -> loss("restores-anything", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public void restore(DensityState state) {
                        if (state.fits(l.config().estimatorConfig())) {
                            delegate.restore(state);
                        }
                    }
                }), List.of("required_ghm5_1_mismatchedSnapshotIsRefused"), "GHM-STATE-MISMATCH"),

                new BrokenBackends("keeps empty bins in seed mode", () -> math("seed-keeps-empty-bins", new OracleMath() {
                    @Override
                    public double[] nextState(double[] s, long[] r, double a, DensityMode mode) {
                        double[] next = super.nextState(s, r, a, mode);
                        for (int k = 0; k < next.length; k++) {
                            if (mode == DensityMode.SEED && r[k] == 0) {
                                next[k] = s[k];
                            }
                        }
                        return next;
                    }
                }), List.of("required_ghm1_7_seedModeDecaysEveryBin", "s11_seq4_7x3_m075"), "GHM-1.7"),

                new BrokenBackends("always reduces with MEAN", () -> new ForwardingBackend("always-mean", new OracleBackend(),
                        l -> l) {
                    @Override
                    public HarmonizedLoss loss(LossConfig config) {
                        LossConfig mean = config instanceof GhmcConfig c ? c.toBuilder().reduction(Reduction.MEAN).build()
                                : config instanceof GhmrConfig c ? c.toBuilder().reduction(Reduction.MEAN).build()
                                : ((CategoricalConfig) config).toBuilder().reduction(Reduction.MEAN).build();
                        HarmonizedLoss inner = super.loss(mean);
                        return new ForwardingBackend.ForwardingLoss(inner) {
                            @Override
                            public LossConfig config() {
                                return config;
                            }
                        };
                    }
                }, List.of("required_ghm1_9_reductionsMatchOracle"), "GHM-1.9"),

                new BrokenBackends("GHM-R tot counts elements instead of summing weights", () -> loss("ghmr-tot-count", l -> new ForwardingBackend.ForwardingLoss(l) {
                    @Override
                    public double compute(LossInput in, LossOutput out, StateUpdate u) {
                        if (!(l.config() instanceof GhmrConfig) || in.labelWeight() == null) {
                            return delegate.compute(in, out, u);
                        }
                        Tensor w = Tensor.copyOfDoubles(in.labelWeight());
                        for (int i = 0; i < w.length(); i++) {
                            w.setDouble(i, w.getDouble(i) > 0 ? 1.0 : w.getDouble(i));
                        }
                        return delegate.compute(LossInput.of(in.pred(), in.target(), w), out, u);
                    }
                }), List.of("required_ghm4_3_totIsTheSumOfLabelWeights"), "tot"));
    }

    private static GhmBackend math(String name, OracleMath math) {
        return new OracleBackend(name, math);
    }

    private static GhmBackend loss(String name, java.util.function.UnaryOperator<HarmonizedLoss> wrap) {
        return new ForwardingBackend(name, new OracleBackend(), wrap);
    }

    private static Tensor clean(Tensor t) {
        double[] v = new double[t.length()];
        t.copyTo(v, 0);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                v[i] = 0.0;
            }
        }
        return Tensor.of(v, t.shape());
    }

    private static Tensor clip(Tensor t) {
        Tensor c = clean(t);
        for (int i = 0; i < c.length(); i++) {
            c.setDouble(i, Math.min(Math.max(c.getDouble(i), 0.0), 1.0));
        }
        return c;
    }
}
