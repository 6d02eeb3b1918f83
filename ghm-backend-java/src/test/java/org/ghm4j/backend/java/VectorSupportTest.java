package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.ghm4j.api.config.BinEdges;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.backend.java.kernel.Bins;
import org.ghm4j.backend.java.kernel.DeltaBins;
import org.ghm4j.backend.java.kernel.FloatVectorKernels;
import org.ghm4j.backend.java.kernel.LogitBins;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The choice of kernels ({@link VectorSupport}) and the accuracy of the float32 vector kernels against
 * StrictMath. Surefire runs this class twice: with the module {@code jdk.incubator.vector} (vector
 * kernels on) and with {@code -Dghm.vector=false} (off).
 */
class VectorSupportTest {
    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    @Test
    void theStatusNamesTheChoiceAndItsReason() {
        String status = VectorSupport.status();
        if ("false".equals(System.getProperty(VectorSupport.PROPERTY))) {
            assertFalse(VectorSupport.ENABLED);
            assertEquals("off (-Dghm.vector=false)", status);
        } else if (!MODULE) {
            assertFalse(VectorSupport.ENABLED);
            assertTrue(status.contains("--add-modules jdk.incubator.vector"), status);
        } else {
            // this project's machines have AVX2: 8 float lanes
            assertTrue(VectorSupport.ENABLED, status);
            assertTrue(status.matches("on \\(float32, (8|16) lanes\\)"), status);
        }
    }

    @Test
    void sigmoidBceMatchesStrictMathToOnePartInAMillion() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 4099; // not a multiple of the lanes: the tail takes the float64 path
        float[] x = new float[n + 3];
        float[] t = new float[n + 5];
        float[] f = new float[n];
        float[] grad = new float[n + 2];
        double[] wantGrad = new double[n];
        double wantLoss = 0.0;
        float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 86.9f, -86.9f, 87f, -87f, 87.5f, -87.5f,
            88.7f, -88.7f, 1e4f, -1e4f, Float.MAX_VALUE, -Float.MAX_VALUE, 0.34657359f, -0.34657359f};
        for (int j = 0; j < n; j++) {
            float xj = j < specials.length ? specials[j] : (float) (rnd.nextGaussian() * 6);
            float tj = rnd.nextDouble() < 0.3 ? 1f : rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
            x[j + 3] = xj;
            t[j + 5] = tj;
            f[j] = (float) rnd.nextDouble();
            double e = StrictMath.exp(-Math.abs((double) xj));
            double p = xj > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
            wantGrad[j] = (double) f[j] * (p - tj);
            wantLoss += (double) f[j] * (Math.max(xj, 0.0) - (double) xj * tj + StrictMath.log1p(e));
        }
        double loss = FloatVectorKernels.sigmoidBce(x, 3, t, 5, f, grad, 2, new float[n], n);
        assertEquals(wantLoss, loss, 1e-6 * Math.abs(wantLoss), "loss");
        for (int j = 0; j < n; j++) {
            // exp(-|x|) stops at |x| = 87 (D-18): below 1.7e-38 absolute. A soft target t near p cancels
            // in p - t: float32 rounding of p, 6e-8 f, remains
            float tj = t[j + 5];
            double atol = (tj == 0f || tj == 1f ? 0.0 : 1.2e-7 * f[j]) + 2e-38;
            assertEquals(wantGrad[j], grad[j + 2], 1e-6 * Math.abs(wantGrad[j]) + atol,
                    "gradient at " + j + ", x = " + x[j + 3] + ", t = " + tj);
        }
        assertEquals(loss, FloatVectorKernels.sigmoidBce(x, 3, t, 5, f, null, 0, new float[n], n), 0.0, "without gradient");
        assertEquals(0.0, grad[0] + grad[1], 0.0, "nothing written before the offset");
    }

    @Test
    void sigmoidBceTermsAreAccurateElementByElement() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        // one element at a time in a full vector: every float32 logit pattern of a range, unit factor
        float[] x = new float[16];
        float[] t = new float[16];
        float[] f = new float[16];
        java.util.Arrays.fill(f, 1f);
        float[] grad = new float[16];
        double worst = 0.0;
        for (int step = 0; step < 200_000; step++) {
            float xj = -90f + step * (180f / 200_000);
            java.util.Arrays.fill(x, xj);
            t[0] = 0f;
            java.util.Arrays.fill(t, step % 2 == 0 ? 0f : 1f);
            double loss = FloatVectorKernels.sigmoidBce(x, 0, t, 0, f, grad, 0, new float[16], 16) / 16;
            double e = StrictMath.exp(-Math.abs((double) xj));
            double want = Math.max(xj, 0.0) - (double) xj * t[0] + StrictMath.log1p(e);
            if (Math.abs(xj) < 87) {
                worst = Math.max(worst, Math.abs(loss - want) / want);
            }
        }
        assertTrue(worst < 1e-6, "worst relative loss error " + worst);
    }

    @Test
    void ghmrKernelsBinExactlyAsTheReferenceAroundEveryEdge() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        for (int m : new int[] {1, 10, 30}) {
            for (double mu : new double[] {0.02, 1e-3, 0.5}) {
                checkGhmrKernelsAroundEdges(m, mu);
            }
        }
    }

    /**
     * Inputs around every |d| where g crosses an edge, with targets of both signs and some weights 0:
     * first 70 to 133 float32 steps away from the crossing (outside the guard bands: the blocks are
     * binned from the bounds), then within 30 steps (inside: binned element by element). Counts, slots
     * (as betas), loss and gradients of the kernels, block by block, against the reference bins.
     */
    private static void checkGhmrKernelsAroundEdges(int m, double mu) {
        BinEdges edges = GhmrConfig.builder().bins(m).mu(mu).build().estimatorConfig().edges();
        Bins bins = new Bins(edges);
        DeltaBins deltaBins = DeltaBins.of(edges, mu * mu);
        String where = "M = " + m + ", mu = " + mu;
        SplittableRandom rnd = new SplittableRandom(m);
        int perEdge = 2 * 2 * 64;
        int n = Math.max(1, m - 1) * 2 * perEdge + 5;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        int i = 0;
        for (boolean inside : new boolean[] {false, true}) {
            for (int k = 1; k < m; k++) {
                double e = edges.edge(k);
                float crossing = (float) (e * mu / Math.sqrt(1 - e * e));
                for (float sign : new float[] {1f, -1f}) {
                    for (int s = 0; s < 128; s++) {
                        int steps = inside ? s % 61 - 30 : (s < 64 ? -1 : 1) * (70 + s % 64);
                        float v = crossing;
                        for (int q = 0; q < Math.abs(steps); q++) {
                            v = steps < 0 ? Math.nextDown(v) : Math.nextUp(v);
                        }
                        // x - t near sign * v: exactly (t = 0), on a coarser grid (t = 0.25), or rounded
                        // in float32 (t tiny)
                        t[i] = sign * (s % 3 == 0 ? 0f : s % 3 == 1 ? 0.25f : -1.7e-9f);
                        x[i] = sign * v + t[i];
                        w[i] = rnd.nextInt(7) == 0 ? 0f : 1f + rnd.nextInt(3);
                        i++;
                    }
                }
            }
        }
        for (; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            t[i] = (float) rnd.nextGaussian();
            w[i] = 1f;
        }
        long[] want = new long[m + 1];
        int[] slot = new int[n];
        for (int j = 0; j < n; j++) {
            double d = (double) x[j] - t[j];
            slot[j] = w[j] > 0 ? bins.of(Math.abs(d) / Math.sqrt(d * d + mu * mu)) + 1 : 0;
            assertEquals(slot[j], deltaBins.slot(x[j], t[j], w[j]), where);
            want[slot[j]]++;
        }
        float[] factor = new float[m + 1];
        float[] beta = new float[m + 1];
        for (int s = 1; s <= m; s++) {
            factor[s] = 0.5f + s;
            beta[s] = 100f + s;
        }
        long[] counts = new long[m + 1];
        short[] stored = new short[n];
        float[] grad = new float[n];
        float[] betaOut = new float[n];
        float[] terms = new float[MathKernels.BLOCK];
        int fromBounds = 0;
        int elementwise = 0;
        double loss = 0;
        for (int b0 = 0; b0 < n; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, n - b0);
            int done = FloatVectorKernels.asl1Counts(x, b0, t, b0, w, b0, deltaBins, stored, b0, counts, 0, len);
            assertEquals(len - len % FloatVectorKernels.lanes(), done, where);
            for (int j = b0 + done; j < b0 + len; j++) {
                counts[slot[j]]++;
            }
            if (stored[b0] == FloatVectorKernels.SLOTS_LATER) {
                fromBounds++;
                loss += FloatVectorKernels.asl1Harmonized(x, b0, t, b0, w, b0, deltaBins, factor, beta, mu, grad, b0,
                        betaOut, b0, terms, len);
            } else {
                elementwise++;
                for (int j = b0; j < b0 + done; j++) {
                    assertEquals(slot[j], stored[j], where + ": stored slot at " + j);
                }
            }
        }
        assertTrue(fromBounds > 0 && (m == 1 || elementwise > 0), where + ": " + fromBounds + " and " + elementwise);
        for (int s = 1; s <= m; s++) {
            assertEquals(want[s], counts[s], where + ": count of slot " + s);
        }
        double wantLoss = 0;
        for (int b0 = 0; b0 < n; b0 += MathKernels.BLOCK) {
            if (stored[b0] != FloatVectorKernels.SLOTS_LATER) {
                continue;
            }
            for (int j = b0; j < Math.min(n, b0 + MathKernels.BLOCK); j++) {
                assertEquals(beta[slot[j]], betaOut[j], where + ": slot at " + j + " (x = " + x[j] + ", t = " + t[j] + ")");
                double d = (double) x[j] - t[j];
                double r = Math.sqrt(d * d + mu * mu);
                double g = factor[slot[j]] * d / r;
                wantLoss += factor[slot[j]] * (r - mu);
                double atol = 1.2e-7 * factor[slot[j]] * Math.max(Math.abs(x[j]), Math.abs(t[j])) / r;
                assertEquals(g, grad[j], 1e-6 * Math.abs(g) + atol, where + ": gradient at " + j);
            }
        }
        assertEquals(wantLoss, loss, 1e-6 * wantLoss, where + ": loss");
    }

    @Test
    void ghmrCountsStopAtTheGroupOfABadValue() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        int lanes = FloatVectorKernels.lanes();
        BinEdges edges = GhmrConfig.builder().build().estimatorConfig().edges();
        DeltaBins deltaBins = DeltaBins.of(edges, 0.02 * 0.02);
        int n = 4 * lanes;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f);
        long[] counts = new long[edges.bins() + 1];
        short[] slot = new short[n];
        x[2 * lanes + 1] = Float.NaN;
        assertEquals(2 * lanes, FloatVectorKernels.asl1Counts(x, 0, t, 0, w, 0, deltaBins, slot, 0, counts, 0, n));
        x[2 * lanes + 1] = 0f;
        t[lanes] = Float.NEGATIVE_INFINITY;
        assertEquals(lanes, FloatVectorKernels.asl1Counts(x, 0, t, 0, w, 0, deltaBins, slot, 0, counts, 0, n));
        t[lanes] = 0f;
        w[lanes - 1] = -1f;
        assertEquals(0, FloatVectorKernels.asl1Counts(x, 0, t, 0, w, 0, deltaBins, slot, 0, counts, 0, n));
        w[lanes - 1] = Float.NaN;
        assertEquals(0, FloatVectorKernels.asl1Counts(x, 0, t, 0, w, 0, deltaBins, slot, 0, counts, 0, n));
        // counted so far: the valid elements of the groups before each stop, all in bin 0 (d = 0)
        assertEquals(3L * lanes, counts[1]);
    }

    @Test
    void ghmcKernelsBinExactlyAsTheLogitThresholds() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        for (int m : new int[] {1, 10, 30, 64}) {
            checkGhmcKernels(m);
        }
    }

    /**
     * Logits at and around every zero-target threshold (+-3 float32 steps), +-0, +-max float, with
     * weights 0, -0, 1 and 2.5 and, in some groups, a target of 1 or a soft one (which the caller bins
     * element by element, as the loss does): counts and slots (through the table) of
     * {@link FloatVectorKernels#logitCounts} and {@link FloatVectorKernels#logitTable} against
     * {@link LogitBins}.
     */
    private static void checkGhmcKernels(int m) {
        BinEdges edges = org.ghm4j.api.config.GhmcConfig.builder().bins(m).build().estimatorConfig().edges();
        LogitBins logitBins = new LogitBins(edges);
        Bins bins = new Bins(edges);
        float[] thr = logitBins.zeroTargetThresholds();
        String where = "M = " + m;
        SplittableRandom rnd = new SplittableRandom(m);
        java.util.List<Float> values = new java.util.ArrayList<>(java.util.List.of(0f, -0f, Float.MAX_VALUE,
                -Float.MAX_VALUE, 1e-30f, -1e-30f, 30f, -30f));
        for (float k : thr) {
            float v = k;
            for (int s = 0; s < 3; s++) {
                v = Math.nextDown(v);
            }
            for (int s = 0; s < 7; s++, v = Math.nextUp(v)) {
                values.add(v);
            }
        }
        int n = 5 * MathKernels.BLOCK + 3;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        int[] want = new int[n];
        long[] wantCounts = new long[m + 1];
        for (int i = 0; i < n; i++) {
            x[i] = i < 3 * MathKernels.BLOCK ? values.get(i % values.size()) : (float) (rnd.nextGaussian() * 3 - 2);
            int u = rnd.nextInt(40);
            t[i] = u == 0 ? 1f : u == 1 ? 0.3f : u == 2 ? -0f : 0f;
            int v = rnd.nextInt(10);
            w[i] = v == 0 ? 0f : v == 1 ? -0f : v == 2 ? 2.5f : 1f;
            want[i] = w[i] == 0f ? 0 : 1 + (t[i] == 0f || t[i] == 1f ? logitBins.of(x[i], t[i])
                    : bins.of(LogitBins.referenceG(x[i], t[i])));
            wantCounts[want[i]]++;
        }
        long[] counts = new long[m + 1];
        short[] slot = new short[n];
        int[] reach = new int[1];
        float[] table = new float[m + 1];
        for (int s = 0; s <= m; s++) {
            table[s] = 10f * s + 1f;
        }
        float[] out = new float[n];
        int lanes = FloatVectorKernels.lanes();
        int kernelElements = 0;
        for (int b0 = 0; b0 < n; b0 += MathKernels.BLOCK) {
            int len = Math.min(MathKernels.BLOCK, n - b0);
            reach[0] = 0;
            for (int j = 0; j < len; ) {
                int done = FloatVectorKernels.logitCounts(x, b0 + j, t, b0 + j, w, b0 + j, thr, counts, 0, reach, 0,
                        len - j);
                assertEquals(0, done % lanes, where);
                kernelElements += done;
                j += done;
                // the caller's part: the group the kernel stopped at (it has a nonzero target), or the tail
                int stop = Math.min(len, j + lanes);
                assertTrue(stop - j < lanes || hasNonzeroTarget(t, b0 + j, b0 + stop), where + ": stopped at " + (b0 + j));
                for (; j < stop; j++) {
                    slot[b0 + j] = (short) want[b0 + j];
                    if (want[b0 + j] > 0) {
                        counts[want[b0 + j]]++;
                    }
                }
            }
            FloatVectorKernels.logitTable(x, b0, t, b0, w, b0, thr, reach[0], slot, b0, table, out, b0, len);
        }
        assertTrue(kernelElements > n / 2, where + ": the kernel binned only " + kernelElements);
        for (int s = 1; s <= m; s++) {
            assertEquals(wantCounts[s], counts[s], where + ": count of slot " + s);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(table[want[i]], out[i], where + ": slot at " + i + " (x = " + x[i] + ", t = " + t[i]
                    + ", w = " + w[i] + ")");
        }
        // a non-finite logit or a bad weight stops the kernel at its group
        float keep = x[lanes + 1];
        x[lanes + 1] = Float.NaN;
        java.util.Arrays.fill(t, 0, 4 * lanes, 0f);
        assertEquals(lanes, FloatVectorKernels.logitCounts(x, 0, t, 0, w, 0, thr, new long[m + 1], 0, reach, 0, 4 * lanes));
        x[lanes + 1] = keep;
        w[2 * lanes] = -1f;
        assertEquals(2 * lanes, FloatVectorKernels.logitCounts(x, 0, t, 0, w, 0, thr, new long[m + 1], 0, reach, 0, 4 * lanes));
    }

    private static boolean hasNonzeroTarget(float[] t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t[i] != 0f) {
                return true;
            }
        }
        return false;
    }

    @Test
    void ghmrKernelsTakeDeltasWhoseSquareOverflowsFloat32() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        double mu = 0.02;
        BinEdges edges = GhmrConfig.builder().build().estimatorConfig().edges();
        DeltaBins deltaBins = DeltaBins.of(edges, mu * mu);
        int n = 40;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        float[] f = new float[n];
        float[] factor = new float[edges.bins() + 1];
        for (int s = 1; s <= edges.bins(); s++) {
            factor[s] = s;
        }
        for (int j = 0; j < n; j++) {
            x[j] = 0.1f * j;
            t[j] = 0.05f;
            w[j] = 1f;
        }
        // |x - t| = 6e38 (beyond max float), 1e20 (its square beyond max float), 2e19
        x[3] = 3e38f;
        t[3] = -3e38f;
        x[17] = 1e20f;
        x[30] = -2e19f;
        for (int j = 0; j < n; j++) {
            f[j] = factor[deltaBins.slot(x[j], t[j], w[j])];
        }
        float[] grad = new float[n];
        float[] gradH = new float[n];
        double loss = FloatVectorKernels.asl1(x, 0, t, 0, f, mu, grad, 0, new float[n], n);
        double lossH = FloatVectorKernels.asl1Harmonized(x, 0, t, 0, w, 0, deltaBins, factor, factor, mu, gradH, 0,
                null, 0, new float[n], n);
        double want = 0;
        for (int j = 0; j < n; j++) {
            double d = (double) x[j] - t[j];
            double r = Math.sqrt(d * d + mu * mu);
            want += f[j] * (r - mu);
            assertEquals(f[j] * d / r, grad[j], 1e-6 * f[j], "asl1 gradient at " + j);
            assertEquals(f[j] * d / r, gradH[j], 1e-6 * f[j], "asl1Harmonized gradient at " + j);
        }
        assertEquals(want, loss, 1e-6 * want);
        assertEquals(want, lossH, 1e-6 * want);
    }

    @Test
    void asl1MatchesTheDefinitionsInFloat64() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1003;
        double mu = 0.02;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] f = new float[n];
        float[] grad = new float[n];
        double want = 0.0;
        for (int j = 0; j < n; j++) {
            x[j] = (float) (rnd.nextGaussian() * (j % 3 == 0 ? 1e-3 : 1.0));
            t[j] = (float) (rnd.nextGaussian() * (j % 3 == 0 ? 1e-3 : 1.0));
            f[j] = (float) rnd.nextDouble();
            double d = (double) x[j] - t[j];
            double r = Math.sqrt(d * d + mu * mu);
            want += f[j] * (r - mu);
        }
        double loss = FloatVectorKernels.asl1(x, 0, t, 0, f, mu, grad, 0, new float[n], n);
        assertEquals(want, loss, 1e-6 * want, "loss");
        for (int j = 0; j < n; j++) {
            double d = (double) x[j] - t[j];
            double g = f[j] * d / Math.sqrt(d * d + mu * mu);
            // d = x - t rounded to float32 first: relative 6e-8 of max(|x|, |t|) / |d|
            double atol = 1.2e-7 * f[j] * Math.max(Math.abs(x[j]), Math.abs(t[j])) / Math.sqrt(d * d + mu * mu);
            assertEquals(g, grad[j], 1e-6 * Math.abs(g) + atol, "gradient at " + j);
        }
    }
}
