package org.ghm4j.testkit;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GhmBackendProvider;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.tensor.DType;
import org.ghm4j.testkit.oracle.OracleBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What every verification class shares: the implementor's factory methods, the backend under
 * test (a new one per test, closed after it), the oracle, and helpers. Extend
 * {@link GhmBackendVerification}, not this class.
 */
@TestMethodOrder(RuleOrder.class)
public abstract class VerificationBase {

    /** The backend under test; a new instance for every test (closed after it). */
    protected abstract GhmBackend createBackend();

    /**
     * The backend with explicit options, for GHM-7.5 (thread-count independence). Return null
     * (the default) when the backend cannot be created with options; the rule is then skipped.
     */
    protected GhmBackend createBackend(BackendOptions options) {
        return null;
    }

    /**
     * The provider that registers the backend (GHM-7.1), to check how it describes itself; null
     * (the default) skips that rule.
     */
    protected GhmBackendProvider provider() {
        return null;
    }

    /** How close results must be to the oracle and the vectors; GHM-9.3 by default. */
    protected Tolerances tolerances() {
        return Tolerances.ghm93();
    }

    /**
     * Vector directories beyond the bundled cases and the system property
     * {@code ghm.testkit.vectors} (GHM-9.4).
     */
    protected Collection<Path> extraVectorDirectories() {
        return List.of();
    }

    /** The backend of the running test. */
    protected GhmBackend backend;
    /** The testkit's float64 reference implementation. */
    protected final GhmBackend oracle = new OracleBackend();

    @BeforeEach
    void openBackend() {
        backend = createBackend();
        if (backend == null) {
            throw new AssertionError("createBackend() returned null");
        }
    }

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Skips the test unless the backend declares every capability. */
    protected void requires(String rule, Capability... capabilities) {
        for (Capability c : capabilities) {
            Assumptions.assumeTrue(backend.has(c), () -> rule + " needs capability " + c + ", which backend '"
                    + backend.name() + "' does not declare");
        }
    }

    static Random random(long seed) {
        return new Random(0x6A5D_0000L + seed);
    }

    /** Runs {@code steps} on a backend loss and an oracle loss of {@code config}, comparing every call. */
    void agreeWithOracle(Expect e, LossConfig config, List<Batch> steps, DType dtype, Tolerances tol) {
        HarmonizedLoss actual = backend.loss(config);
        HarmonizedLoss expected = oracle.loss(config);
        for (int s = 0; s < steps.size(); s++) {
            Batch b = steps.get(s);
            Expect at = e.at("step " + s + " of " + steps.size() + ", " + b + ", " + config);
            Outcome want = Outcome.of(at, expected, b.input(dtype));
            Outcome got = Outcome.of(at, actual, b.input(dtype));
            Outcome.compare(at, want, got, b.shape(), rowShape(config, b), tol);
        }
    }

    void agreeWithOracle(Expect e, LossConfig config, List<Batch> steps) {
        agreeWithOracle(e, config, steps, DType.FLOAT32, tolerances());
    }

    static int[] rowShape(LossConfig config, Batch b) {
        return config instanceof org.ghm4j.api.config.CategoricalConfig ? new int[] {b.shape()[0]} : b.shape();
    }

    static List<Batch> steps(int count, Supplier<Batch> next) {
        List<Batch> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(next.get());
        }
        return out;
    }

    /**
     * Central finite differences of the scalar loss against the backend's gradient, element by
     * element (at most {@code maxElements}), with momentum 0 so that every call sees the same
     * weights. In float64 (step 1e-6) when the backend has FLOAT64, else in float32 with a step
     * of {@code h32} and a coarse tolerance.
     */
    void finiteDifferences(Expect e, LossConfig config, Batch b, double h32, int maxElements) {
        HarmonizedLoss loss = backend.loss(config);
        boolean f64 = backend.has(Capability.FLOAT64);
        DType dtype = f64 ? DType.FLOAT64 : DType.FLOAT32;
        LossInput base = b.input(dtype);
        double[] grad = e.values("gradient", loss.compute(base).gradient());
        double max = 0;
        for (double g : grad) {
            max = Math.max(max, Math.abs(g));
        }
        int step = Math.max(1, b.length() / maxElements);
        for (int i = 0; i < b.length(); i += step) {
            double fd;
            if (f64) {
                double h = 1e-6;
                LossInput plus = b.input(dtype);
                plus.pred().setDouble(i, plus.pred().getDouble(i) + h);
                LossInput minus = b.input(dtype);
                minus.pred().setDouble(i, minus.pred().getDouble(i) - h);
                fd = (loss.compute(plus).loss() - loss.compute(minus).loss()) / (2 * h);
            } else {
                float x = b.pred()[i];
                float xp = (float) (x + h32);
                float xm = (float) (x - h32);
                float[] pp = b.pred().clone();
                pp[i] = xp;
                float[] pm = b.pred().clone();
                pm[i] = xm;
                fd = (loss.compute(b.withPred(pp).input()).loss() - loss.compute(b.withPred(pm).input()).loss())
                        / ((double) xp - (double) xm);
            }
            double atol = f64 ? 1e-7 * max + 1e-9 : 3e-3 * max + 1e-6;
            double rtol = f64 ? 1e-5 : 3e-2;
            if (!Expect.close(fd, grad[i], atol, rtol)) {
                throw e.fail("gradient" + org.ghm4j.api.tensor.Shapes.indexOf(i, b.shape()) + " (flat " + i + " of shape "
                        + java.util.Arrays.toString(b.shape()) + "): backend " + grad[i] + ", central finite difference "
                        + fd + " (" + (f64 ? "float64, h=1e-6" : "float32, h=" + h32) + "), allowed |a-e| <= "
                        + String.format("%.2e", atol + rtol * Math.abs(fd)) + "; " + config);
            }
        }
    }
}
