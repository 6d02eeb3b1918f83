package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.ghm4j.backend.java.kernel.FloatVectorKernels;
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
    void asl1BinsEqualTheScalarBinsAtEveryEdge() {
        assumeTrue(MODULE, "needs --add-modules jdk.incubator.vector");
        double mu = 0.02;
        org.ghm4j.api.config.BinEdges edges = org.ghm4j.api.config.GhmrConfig.builder().build().estimatorConfig().edges();
        int m = edges.bins();
        double[] inner = new double[m - 1];
        for (int k = 1; k < m; k++) {
            inner[k - 1] = edges.edge(k);
        }
        org.ghm4j.backend.java.kernel.Bins bins = new org.ghm4j.backend.java.kernel.Bins(edges);
        // pred around the d where g = |d| / sqrt(d^2 + mu^2) crosses each edge, +-64 float32 steps, target 0
        int n = 2 * (m - 1) * 128;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        int i = 0;
        for (int k = 1; k < m; k++) {
            double e = edges.edge(k);
            float d = (float) (e * mu / Math.sqrt(1 - e * e));
            for (float sign : new float[] {1f, -1f}) {
                float v = d;
                for (int s = 0; s < 64; s++) {
                    v = Math.nextDown(v);
                }
                for (int s = 0; s < 128; s++, v = Math.nextUp(v)) {
                    x[i] = sign * v;
                    w[i] = s % 17 == 0 ? 0f : 1f;
                    i++;
                }
            }
        }
        short[] slot = new short[n];
        long[] counts = new long[4 * (m + 1)];
        double[] sum = new double[1];
        double[] xd = new double[n];
        double[] td = new double[n];
        double[] wd = new double[n];
        for (int j = 0; j < n; j++) {
            xd[j] = x[j];
            td[j] = t[j];
            wd[j] = w[j];
        }
        int done = FloatVectorKernels.asl1Bins(xd, td, wd, mu * mu, inner, slot, 0, counts, 0, m + 1, sum, n);
        assertEquals(n, done);
        long[] want = new long[m + 1];
        double weightSum = 0;
        for (int j = 0; j < n; j++) {
            double d = (double) x[j] - t[j];
            int s = w[j] > 0 ? bins.of(Math.abs(d) / Math.sqrt(d * d + mu * mu)) + 1 : 0;
            assertEquals(s, slot[j], "slot at x = " + x[j]);
            want[s]++;
            weightSum += w[j];
        }
        for (int s = 1; s <= m; s++) {
            assertEquals(want[s], counts[s] + counts[m + 1 + s] + counts[2 * (m + 1) + s] + counts[3 * (m + 1) + s], "count of slot " + s);
        }
        assertEquals(weightSum, sum[0], 0.0);
        // a non-finite value stops the kernel at its group of 8
        xd[21] = Float.NaN;
        assertEquals(16, FloatVectorKernels.asl1Bins(xd, td, wd, mu * mu, inner, slot, 0, counts, 0, m + 1, sum, n));
        xd[21] = 0.0;
        wd[9] = -1.0;
        assertEquals(8, FloatVectorKernels.asl1Bins(xd, td, wd, mu * mu, inner, slot, 0, counts, 0, m + 1, sum, n));
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
