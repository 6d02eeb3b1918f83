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
}
