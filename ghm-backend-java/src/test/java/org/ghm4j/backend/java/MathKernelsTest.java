package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ghm4j.backend.java.kernel.MathKernels;
import org.junit.jupiter.api.Test;

class MathKernelsTest {

    @Test
    void expNegMatchesStrictMathWithinFiveE13Relative() {
        SplittableRandom r = new SplittableRandom(1);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double a = r.nextDouble() * (i % 2 == 0 ? 40 : 708);
            double expected = StrictMath.exp(-a);
            worst = Math.max(worst, Math.abs(MathKernels.expNeg(a) - expected) / expected);
        }
        assertTrue(worst < 5e-13, "worst relative error " + worst);
        assertEquals(1.0, MathKernels.expNeg(0.0));
        assertEquals(1.0, MathKernels.expNeg(-0.0));
        assertTrue(MathKernels.expNeg(1e4) < 1e-307, "clamped far below any float");
    }

    @Test
    void log1pUnitMatchesStrictMathIncludingTinyArguments() {
        SplittableRandom r = new SplittableRandom(2);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double e = r.nextDouble() * (i % 3 == 0 ? 1e-9 : 1.0);
            double expected = StrictMath.log1p(e);
            if (expected > 0) {
                worst = Math.max(worst, Math.abs(MathKernels.log1pUnit(e) - expected) / expected);
            }
        }
        assertTrue(worst < 5e-13, "worst relative error " + worst);
        assertEquals(Math.log(2.0), MathKernels.log1pUnit(1.0), 1e-16);
        assertEquals(0.0, MathKernels.log1pUnit(0.0));
        assertEquals(1e-30, MathKernels.log1pUnit(1e-30), 1e-45);
    }
    @Test
    void expNegBlockMatchesStrictMath() {
        int n = MathKernels.BLOCK;
        double[] a = new double[n];
        double[] e = new double[n];
        SplittableRandom r = new SplittableRandom(3);
        double worstNear = 0;
        double worstFar = 0;
        for (int round = 0; round < 4000; round++) {
            for (int j = 0; j < n; j++) {
                a[j] = (j % 2 == 0 ? -1 : 1) * r.nextDouble() * (round % 2 == 0 ? 40 : 88);
            }
            MathKernels.expNegBlock(a, e, n);
            for (int j = 0; j < n; j++) {
                double expected = StrictMath.exp(-Math.abs(a[j]));
                double rel = Math.abs(e[j] - expected) / expected;
                if (Math.abs(a[j]) <= 40) {
                    worstNear = Math.max(worstNear, rel);
                } else {
                    worstFar = Math.max(worstFar, rel);
                }
            }
        }
        assertTrue(worstNear < 1e-13, "worst relative error for |a| <= 40: " + worstNear);
        assertTrue(worstFar < 1e-10, "worst relative error for 40 < |a| <= 88: " + worstFar);
        a[0] = 0.0;
        a[1] = 1e4;
        a[2] = Double.NEGATIVE_INFINITY;
        MathKernels.expNegBlock(a, e, 3);
        assertEquals(1.0, e[0]);
        assertEquals(StrictMath.exp(-88.0), e[1], 1e-10 * StrictMath.exp(-88.0), "clamped at 88");
        assertEquals(e[1], e[2]);
    }

    @Test
    void sigmoidLogBlockMatchesStrictMath() {
        int n = MathKernels.BLOCK;
        double[] e = new double[n];
        double[] q = new double[n];
        double[] lp = new double[n];
        SplittableRandom r = new SplittableRandom(4);
        double worst = 0;
        for (int round = 0; round < 4000; round++) {
            for (int j = 0; j < n; j++) {
                e[j] = r.nextDouble() * (j % 3 == 0 ? 1e-12 : 1.0);
            }
            e[0] = 1.0;
            e[1] = 0.0;
            MathKernels.sigmoidLogBlock(e, q, lp, n);
            for (int j = 0; j < n; j++) {
                assertEquals(1.0 / (1.0 + e[j]), q[j]);
                double expected = StrictMath.log1p(e[j]);
                if (expected > 0) {
                    worst = Math.max(worst, Math.abs(lp[j] - expected) / expected);
                } else {
                    assertEquals(0.0, lp[j]);
                }
            }
        }
        assertTrue(worst < 5e-13, "worst relative error " + worst);
    }
}
