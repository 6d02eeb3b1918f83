package org.ghm4j.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.detection.loss.CallReport;
import org.ghm4j.detection.loss.DetectionLossResult;

/**
 * The largest differences between one backend's step and the reference backend's step, over all
 * steps added, and whether every step met GHM-9.3: loss rtol 1e-5; gradients
 * |a - e| <= 1e-5 max|e| + 1e-5 |e| element by element (classification and box gradients each
 * against their own max); states rtol 1e-6 on every bin after every call. Not thread-safe.
 */
public final class BackendDifference {
    static final double LOSS_RTOL = 1e-5;
    static final double GRAD_TOL = 1e-5;
    static final double STATE_RTOL = 1e-6;

    private final Set<String> compared = new LinkedHashSet<>();
    private double loss;
    private double gradient;
    private double state;
    private boolean within = true;

    /** Compares {@code other} (from backend {@code name}) with {@code reference} of the same step. */
    public void add(String name, DetectionLossResult reference, DetectionLossResult other) {
        compared.add(name);
        double dc = relative(other.lossCls(), reference.lossCls());
        double db = relative(other.lossBbox(), reference.lossBbox());
        loss = Math.max(loss, Math.max(dc, db));
        within &= dc <= LOSS_RTOL && db <= LOSS_RTOL;
        List<float[]> refCls = new ArrayList<>();
        List<float[]> otherCls = new ArrayList<>();
        for (int i = 0; i < reference.gradCls().length; i++) {
            for (int l = 0; l < reference.gradCls()[i].length; l++) {
                refCls.add(reference.gradCls()[i][l]);
                otherCls.add(other.gradCls()[i][l]);
            }
        }
        gradients(refCls, otherCls);
        gradients(List.of(reference.gradBbox()), List.of(other.gradBbox()));
        List<CallReport> rc = reference.calls();
        List<CallReport> oc = other.calls();
        for (int c = 0; c < rc.size(); c++) {
            states(rc.get(c).clsStateAfter(), oc.get(c).clsStateAfter());
            states(rc.get(c).regStateAfter(), oc.get(c).regStateAfter());
        }
    }

    private void gradients(List<float[]> expected, List<float[]> actual) {
        double max = 0;
        for (float[] e : expected) {
            for (float v : e) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double worst = 0;
        for (int a = 0; a < expected.size(); a++) {
            float[] e = expected.get(a);
            float[] x = actual.get(a);
            for (int j = 0; j < e.length; j++) {
                double d = Math.abs((double) x[j] - e[j]);
                worst = Math.max(worst, d);
                if (d > GRAD_TOL * max + GRAD_TOL * Math.abs(e[j])) {
                    within = false;
                }
            }
        }
        gradient = Math.max(gradient, max > 0 ? worst / max : worst);
    }

    private void states(DensityState expected, DensityState actual) {
        if (expected == null || actual == null) {
            within &= expected == actual;
            return;
        }
        for (int k = 0; k < expected.bins(); k++) {
            double d = relative(actual.accumulator(k), expected.accumulator(k));
            state = Math.max(state, d);
            within &= d <= STATE_RTOL;
        }
    }

    private static double relative(double actual, double expected) {
        double d = Math.abs(actual - expected);
        return d == 0 ? 0 : d / Math.max(Math.abs(expected), Double.MIN_NORMAL);
    }

    /** Names of the backends compared with the reference. */
    public List<String> compared() {
        return List.copyOf(compared);
    }

    /** Largest relative difference of loss_cls or loss_bbox. */
    public double loss() {
        return loss;
    }

    /** Largest max |diff| / max |reference gradient| (classification or box gradient). */
    public double gradient() {
        return gradient;
    }

    /** Largest relative difference of an EMA state value. */
    public double state() {
        return state;
    }

    /** True when every comparison met GHM-9.3 (true when nothing was compared). */
    public boolean withinTolerance() {
        return within;
    }
}
