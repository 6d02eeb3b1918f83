package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The block kernels (reduced losses) and the element-by-element path ({@code Reduction.NONE}) agree:
 * same bin counts, same loss (NONE's scalar is the sum of the element values, D-1) and gradient, on
 * batches that mix hard and soft targets, masked rows, zero element weights, extreme logits and
 * GHM-R deltas next to the bin edges.
 * Surefire runs it with the float32 vector kernels and again with the float64 ones.
 */
class KernelPathsTest {

    @ParameterizedTest
    @CsvSource({"ghmc, 1, 80, rows", "ghmc, 2, 80, elements", "ghmc, 2, 3, rows", "ghmc, 1, 1, none",
            "ghmr, 1, 4, rows", "ghmr, 2, 4, elements", "ghmr, 2, 7, none"})
    void blockPathEqualsElementPath(String loss, int threads, int cols, String weights) {
        SplittableRandom rnd = new SplittableRandom(cols * 31L + threads);
        int rows = 3001;
        int n = rows * cols;
        float[] x = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            if (loss.equals("ghmc")) {
                x[i] = (float) (rnd.nextGaussian() * 4 - 2);
                t[i] = rnd.nextDouble() < 0.1 ? 1f : 0f;
                if (rnd.nextDouble() < 0.05) {
                    t[i] = (float) rnd.nextDouble();
                }
                if (i % 997 == 0) {
                    x[i] = (i % 2 == 0 ? 1 : -1) * 1e4f;
                }
            } else {
                x[i] = (float) rnd.nextGaussian();
                t[i] = (float) rnd.nextGaussian();
                if (i < n / 3 && i % 50 == 0) {
                    // |x - t| within 40 float32 steps of where g crosses an edge (mu 0.02, 10 bins)
                    double e = (1 + rnd.nextInt(9)) / 10.0;
                    float v = (float) (e * 0.02 / Math.sqrt(1 - e * e));
                    for (int s = rnd.nextInt(81) - 40; s != 0; s -= Integer.signum(s)) {
                        v = s < 0 ? Math.nextDown(v) : Math.nextUp(v);
                    }
                    t[i] = 0f;
                    x[i] = rnd.nextBoolean() ? v : -v;
                }
            }
        }
        Tensor w = null;
        if (weights.equals("rows")) {
            float[] rw = new float[rows];
            for (int r = 0; r < rows; r++) {
                rw[r] = rnd.nextDouble() < 0.1 ? 0f : 1f;
            }
            w = Tensor.of(rw, rows);
        } else if (weights.equals("elements")) {
            float[] ew = new float[n];
            for (int i = 0; i < n; i++) {
                ew[i] = rnd.nextDouble() < 0.1 ? 0f : 1f;
            }
            w = Tensor.of(ew, rows, cols);
        }
        LossInput input = LossInput.of(Tensor.of(x, rows, cols), Tensor.of(t, rows, cols), w);
        try (JavaBackend backend = new JavaBackend(new org.ghm4j.api.BackendOptions(threads))) {
            LossOutput block = new LossOutput().withWeights();
            LossOutput element = new LossOutput().withWeights();
            backend.loss(config(loss, Reduction.SUM)).compute(input, block);
            HarmonizedLoss none = backend.loss(config(loss, Reduction.NONE));
            none.compute(input, element);
            assertArrayEquals(element.stats().counts(), block.stats().counts(), "bin counts");
            float[] wb = new float[n];
            float[] we = new float[n];
            block.weights().copyTo(wb, 0);
            element.weights().copyTo(we, 0);
            assertArrayEquals(we, wb, "weights");
            // the float32 vector kernels of the block path: 1e-6; float64 kernels: 1e-9 and gradient to float32 rounding
            double rtol = VectorSupport.ENABLED ? 1e-6 : 1e-9;
            assertEquals(element.loss(), block.loss(), rtol * Math.abs(element.loss()), "loss");
            float[] gb = new float[n];
            float[] ge = new float[n];
            block.gradient().copyTo(gb, 0);
            element.gradient().copyTo(ge, 0);
            // float32 kernels: p - t of a soft target cancels, leaving float32 rounding of p times the factor
            double atol = 1e-30;
            if (rtol > 1e-9) {
                for (float g : ge) {
                    atol = Math.max(atol, 1.2e-7 * Math.abs(g));
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(ge[i], gb[i], Math.max(rtol, 2e-7) * Math.abs(ge[i]) + atol, "gradient at " + i + " x=" + x[i] + " t=" + t[i]);
            }
        }
    }

    private static LossConfig config(String loss, Reduction reduction) {
        return loss.equals("ghmc")
                ? GhmcConfig.builder().momentum(0).reduction(reduction).build()
                : GhmrConfig.builder().momentum(0).reduction(reduction).build();
    }
}
