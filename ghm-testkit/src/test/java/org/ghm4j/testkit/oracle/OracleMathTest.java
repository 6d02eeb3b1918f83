package org.ghm4j.testkit.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-checked values of the oracle's formulas. */
class OracleMathTest {
    private final OracleMath math = new OracleMath();

    @Test
    void binsByTheFloat32EdgeComparison() {
        float[] e = math.edges(30, 1.0f + 1e-6f);
        assertEquals(0.8333333134651184, e[25], 0.0); // float32(25/30) is below 25/30
        assertEquals(25, math.bin(e[25], e));          // so floor(g * 30) = 24 would be wrong
        assertEquals(24, math.bin(Math.nextDown(e[25]), e));
        assertEquals(29, math.bin(1.0, e));
        assertEquals(-1, math.bin(e[30], e));
        assertEquals(-1, math.bin(Double.NaN, e));
        assertEquals(0, math.bin(0.0, math.edges(1, 1.0f)));
    }

    @Test
    void harmonizedStateKeepsEmptyBinsAndSeedStateDecaysThem() {
        double[] s = {1.0, 2.0};
        long[] r = {4, 0};
        assertArrayEquals(new double[] {0.5 * 1.0 + 0.5 * 4, 2.0}, math.nextState(s, r, 0.5, DensityMode.HARMONIZED));
        assertArrayEquals(new double[] {2.5, 1.0}, math.nextState(s, r, 0.5, DensityMode.SEED));
        assertArrayEquals(new double[] {4.0, 0.0}, math.nextState(s, r, 0.0, DensityMode.HARMONIZED));
    }

    @Test
    void oneElementFirstCallMatchesMmdetection() {
        // shared vector c01 step 0: x = 0.3, t = 1, a = 0.75: S = 0.25, beta = 1 / 0.25 = 4, loss = 4 * BCE
        LossOutput out = new LossOutput().withWeights();
        double loss = new OracleBackend().loss(GhmcConfig.mmdetection())
                .compute(LossInput.of(Tensor.of(new float[] {0.3f}, 1, 1), Tensor.of(new float[] {1f}, 1, 1)), out);
        double bce = Math.log1p(Math.exp(-0.30000001192092896));
        assertEquals(4 * bce, loss, 1e-15);
        assertEquals(2.217420957581947, loss, 1e-15);
        assertEquals(4.0, out.weights().getDouble(0), 0.0);
        // the gradient buffer has pred's dtype (float32)
        assertEquals(4 * (1 / (1 + Math.exp(-0.30000001192092896)) - 1), out.gradient().getDouble(0), 1e-6);
        assertEquals(1, out.stats().count(12));
    }
}
