package org.ghm4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.StateException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.Histogram;
import org.ghm4j.api.state.HistogramSynchronizer;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** GHM-5 (snapshot, restore, serialization, PREVIEW, sync), GHM-7.5 and the ND4J-specific array handling. */
class Nd4jStateTest {
    /** Float32 input, fused GHM-C against the float64 element path: the float32 vector kernels (D-19) or float64 ones. */
    private static final double FUSED_RTOL = VectorSupport.ENABLED ? 1e-6 : 1e-12;

    private static final Nd4jBackend BACKEND = new Nd4jBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    static LossInput batch(LossConfig config, int rows, int cols, long seed) {
        float[][] b = Nd4jCrossBackendTest.batch(config, rows, cols, Nd4jCrossBackendTest.Weights.ROW, new Random(seed));
        return LossInput.of(Nd4jCrossBackendTest.nd(b[0], rows, cols), Nd4jCrossBackendTest.nd(b[1], rows, cols),
                Nd4jCrossBackendTest.nd(b[2], rows));
    }

    static double[] doubles(Tensor t) {
        return Nd4jCrossBackendTest.doubles(t);
    }

    @Test
    @DisplayName("GHM-5.2 snapshot -> bytes -> restore continues bit-identically")
    void serializedSnapshotContinuesBitIdentically() {
        for (LossConfig config : new LossConfig[] {GhmcConfig.mmdetection(), GhmrConfig.retinanet(),
            CategoricalConfig.harmonizedCategorical(), CategoricalConfig.seedCategorical()}) {
            HarmonizedLoss a = BACKEND.loss(config);
            for (int s = 0; s < 3; s++) {
                a.compute(batch(config, 200, 9, s));
            }
            HarmonizedLoss b = BACKEND.loss(config);
            b.restore(DensityState.fromBytes(a.snapshot().toBytes()));
            assertEquals(a.snapshot(), b.snapshot());
            LossInput next = batch(config, 200, 9, 99);
            LossOutput oa = a.compute(next);
            LossOutput ob = b.compute(next);
            assertEquals(oa.loss(), ob.loss(), 0.0, config + ": loss");
            assertArrayEquals(doubles(oa.gradient()), doubles(ob.gradient()), 0.0, config + ": gradient");
            assertEquals(a.snapshot(), b.snapshot(), config + ": state");
        }
    }

    @Test
    @DisplayName("GHM-5.1 restore refuses a snapshot of other settings; reset goes back to zero")
    void restoreRefusesOtherSettingsAndResetZeroes() {
        HarmonizedLoss a = BACKEND.loss(GhmcConfig.mmdetection());
        a.compute(batch(GhmcConfig.mmdetection(), 10, 3, 1));
        HarmonizedLoss other = BACKEND.loss(GhmcConfig.builder().bins(10).build());
        StateException e = assertThrows(StateException.class, () -> other.restore(a.snapshot()));
        assertEquals(ErrorId.STATE_MISMATCH, e.errorId());
        a.reset();
        assertEquals(0, a.snapshot().steps());
        assertEquals(0.0, java.util.Arrays.stream(a.snapshot().accumulator()).sum());
    }

    @Test
    @DisplayName("PREVIEW returns exactly what COMMIT returns and leaves the state")
    void previewEqualsCommitWithoutMovingState() {
        for (LossConfig config : new LossConfig[] {GhmcConfig.mmdetection(), CategoricalConfig.seedCategorical(),
            GhmrConfig.retinanet()}) {
            HarmonizedLoss loss = BACKEND.loss(config);
            loss.compute(batch(config, 50, 5, 1));
            DensityState before = loss.snapshot();
            LossInput in = batch(config, 50, 5, 2);
            LossOutput preview = new LossOutput();
            double p = loss.compute(in, preview, StateUpdate.PREVIEW);
            assertEquals(before, loss.snapshot(), config + ": PREVIEW moved the state");
            double[] pg = doubles(preview.gradient()).clone();
            LossOutput commit = new LossOutput();
            double c = loss.compute(in, commit, StateUpdate.COMMIT);
            assertEquals(c, p, 0.0, config + ": loss");
            assertArrayEquals(doubles(commit.gradient()), pg, 0.0, config + ": gradient");
            assertNotEquals(before, loss.snapshot(), config + ": COMMIT must move the state");
        }
    }

    @Test
    @DisplayName("GHM-5.5 two workers with an all-reduce synchronizer equal one worker on the whole batch")
    void synchronizedWorkersEqualOneWorker() throws Exception {
        GhmcConfig config = GhmcConfig.mmdetection();
        int rows = 400;
        int cols = 6;
        HarmonizedLoss whole = BACKEND.loss(config);
        HarmonizedLoss[] workers = {BACKEND.loss(config), BACKEND.loss(config)};
        Histogram[] deposited = new Histogram[2];
        CyclicBarrier gather = new CyclicBarrier(2);
        CyclicBarrier release = new CyclicBarrier(2);
        for (int w = 0; w < 2; w++) {
            int me = w;
            workers[w].synchronizer(local -> {
                try {
                    deposited[me] = local;
                    gather.await();
                    long[] sum = new long[local.counts().length];
                    double tot = 0;
                    for (Histogram h : deposited) {
                        for (int k = 0; k < sum.length; k++) {
                            sum[k] += h.counts()[k];
                        }
                        tot += h.tot();
                    }
                    release.await();
                    return new Histogram(sum, tot);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int step = 0; step < 4; step++) {
                Random r = new Random(step);
                float[][] b = Nd4jCrossBackendTest.batch(config, rows, cols, Nd4jCrossBackendTest.Weights.NONE, r);
                INDArray x = Nd4j.create(b[0], new long[] {rows, cols}, 'c');
                INDArray t = Nd4j.create(b[1], new long[] {rows, cols}, 'c');
                LossOutput wholeOut = new LossOutput().withWeights();
                double wholeLoss = whole.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t)), wholeOut);
                @SuppressWarnings("unchecked")
                Future<LossOutput>[] parts = new Future[2];
                for (int w = 0; w < 2; w++) {
                    int me = w;
                    // row shards as views: exercises the copy of non-contiguous input
                    INDArray xs = x.get(NDArrayIndex.interval(me * rows / 2, (me + 1) * rows / 2), NDArrayIndex.all());
                    INDArray ts = t.get(NDArrayIndex.interval(me * rows / 2, (me + 1) * rows / 2), NDArrayIndex.all());
                    parts[w] = pool.submit(() -> {
                        LossOutput o = new LossOutput().withWeights();
                        workers[me].compute(LossInput.of(Nd4jTensor.of(xs), Nd4jTensor.of(ts)), o);
                        return o;
                    });
                }
                LossOutput p0 = parts[0].get();
                LossOutput p1 = parts[1].get();
                double[] wholeWeights = doubles(wholeOut.weights());
                double[] shardWeights = new double[wholeWeights.length];
                System.arraycopy(doubles(p0.weights()), 0, shardWeights, 0, wholeWeights.length / 2);
                System.arraycopy(doubles(p1.weights()), 0, shardWeights, wholeWeights.length / 2, wholeWeights.length / 2);
                Nd4jCrossBackendTest.closeAll(wholeWeights, shardWeights, 0, 1e-6, "step " + step + " weights");
                Nd4jCrossBackendTest.close(wholeLoss, p0.loss() + p1.loss(), 0, 1e-6, "step " + step + " loss");
                assertArrayEquals(wholeOut.stats().counts(), p0.stats().counts(), "synchronized counts");
                Nd4jCrossBackendTest.closeAll(whole.snapshot().accumulator(), workers[0].snapshot().accumulator(),
                        0, 1e-12, "step " + step + " state of worker 0");
                assertEquals(workers[0].snapshot(), workers[1].snapshot());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("GHM-7.5 bit-identical results for 1, 2 and 3 threads")
    void resultsDoNotDependOnThreads() {
        LossConfig config = GhmcConfig.mmdetection();
        LossInput in = batch(config, 50_000, 7, 5);
        double[] ref = null;
        double refLoss = 0;
        for (int threads = 1; threads <= 3; threads++) {
            try (Nd4jBackend b = new Nd4jBackend(threads)) {
                LossOutput o = b.loss(config).compute(in);
                if (ref == null) {
                    ref = doubles(o.gradient());
                    refLoss = o.loss();
                } else {
                    assertEquals(refLoss, o.loss(), 0.0, threads + " threads: loss");
                    assertArrayEquals(ref, doubles(o.gradient()), 0.0, threads + " threads: gradient");
                }
            }
        }
    }

    @Test
    @DisplayName("fused GHM-C (float32, MEAN and SUM) agrees with the element path (float64) and with NONE, over several chunks")
    void fusedSchemeAgreesWithElementPath() {
        int rows = 2000;
        int cols = 80;
        for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
            GhmcConfig config = GhmcConfig.builder().momentum(0).lossWeight(0.5).reduction(reduction).build();
            // hard and soft targets, row weights 0, 1 and 2.5
            float[][] b = Nd4jCrossBackendTest.batch(config, rows, cols, Nd4jCrossBackendTest.Weights.ROW, new Random(11));
            INDArray x = Nd4j.create(b[0], new long[] {rows, cols}, 'c');
            INDArray t = Nd4j.create(b[1], new long[] {rows, cols}, 'c');
            INDArray w = Nd4j.create(b[2], new long[] {rows}, 'c');
            LossOutput fused = new LossOutput().withWeights();
            double loss = BACKEND.loss(config).compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)), fused);

            LossOutput elements = new LossOutput().withWeights();
            double loss64 = BACKEND.loss(config).compute(LossInput.of(Nd4jTensor.of(x.castTo(DataType.DOUBLE)),
                    Nd4jTensor.of(t.castTo(DataType.DOUBLE)), Nd4jTensor.of(w.castTo(DataType.DOUBLE))), elements);
            assertEquals(loss64, loss, FUSED_RTOL * Math.abs(loss64), reduction + ": loss");
            // float32 kernels: p - t of a soft target keeps float32's error of p (6e-8 of the largest gradient)
            assertGradientAndWeights(elements, fused, 1.2e-7, reduction.toString());

            LossOutput none = new LossOutput();
            BACKEND.loss(config.toBuilder().reduction(Reduction.NONE).build())
                    .compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)), none);
            double sum = 0.0;
            for (double l : doubles(none.elementLoss())) {
                sum += l;
            }
            double expected = reduction == Reduction.MEAN ? sum / fused.stats().tot() : sum;
            assertEquals(expected, loss, 1e-6 * Math.abs(expected), reduction + ": sum of the NONE losses");
        }
    }

    @Test
    @DisplayName("fused GHM-R (float32, MEAN and SUM) agrees with the element path (float64) and with NONE, |x - t| at the edge crossings")
    void fusedGhmrAgreesWithElementPath() {
        GhmrConfig[] configs = {
            GhmrConfig.builder().momentum(0).lossWeight(10).build(),
            GhmrConfig.builder().momentum(0).lossWeight(0.5).reduction(Reduction.SUM).build(),
            // more bins than DeltaBins takes: every slot from the float64 g
            GhmrConfig.builder().momentum(0).bins(40).mu(0.05).build(),
        };
        // rows of 4 over four chunks; rows of 3, which line up with neither the blocks nor the chunks; rows
        // longer than a chunk
        int[][] shapes = {{50_000, 4}, {30_001, 3}, {2, 70_000}};
        long seed = 21;
        for (GhmrConfig config : configs) {
            for (int[] shape : shapes) {
                for (Nd4jCrossBackendTest.Weights weights : Nd4jCrossBackendTest.Weights.values()) {
                    fusedGhmrCase(config, shape[0], shape[1], weights, seed++);
                }
            }
        }
    }

    private static void fusedGhmrCase(GhmrConfig config, int rows, int cols, Nd4jCrossBackendTest.Weights weights, long seed) {
        String where = config + " [" + rows + ", " + cols + "] weights=" + weights;
        float[][] b = Nd4jCrossBackendTest.batch(config, rows, cols, weights, new Random(seed));
        // weights 0, 1, 2.5 and multiples of 0.25 up to 4 (their float64 sums are exact in any order), so
        // that neighbouring rows differ: a row weight counted for the wrong row changes tot
        Random wr = new Random(seed + 2000);
        for (int i = 0; i < b[2].length; i++) {
            int pick = wr.nextInt(10);
            b[2][i] = pick == 0 ? 0f : pick == 1 ? 2.5f : pick < 6 ? 1f : 0.25f * (1 + wr.nextInt(16));
        }
        boolean[][] straddled = nearEdgeDeltas(config, b[0], b[1], new Random(seed + 1000));
        for (int k = 1; k < config.bins(); k++) {
            assertTrue(straddled[0][k] && straddled[1][k], where + ": the inputs lie on both sides of edge " + k);
        }
        INDArray x = Nd4j.create(b[0], new long[] {rows, cols}, 'c');
        INDArray t = Nd4j.create(b[1], new long[] {rows, cols}, 'c');
        INDArray w = weights == Nd4jCrossBackendTest.Weights.NONE ? null
                : Nd4j.create(b[2], weights == Nd4jCrossBackendTest.Weights.ROW ? new long[] {rows} : new long[] {rows, cols}, 'c');
        LossOutput fused = assertFusedGhmrMatchesElementPath(config, x, t, w, where);

        LossOutput none = new LossOutput();
        BACKEND.loss(config.toBuilder().reduction(Reduction.NONE).build())
                .compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), w == null ? null : Nd4jTensor.of(w)), none);
        double sum = 0.0;
        for (double l : doubles(none.elementLoss())) {
            sum += l;
        }
        double expected = config.reduction() == Reduction.MEAN ? sum / fused.stats().tot() : sum;
        assertEquals(expected, fused.loss(), 1e-6 * Math.abs(expected), where + ": sum of the NONE losses");
    }

    /**
     * GHM-R of float32 x, t, w (w may be null) against the same values in float64 (the element path):
     * counts and tot equal, loss and gradient within the float32 kernels' error, weights exactly. Returns
     * the float32 call's output.
     */
    private static LossOutput assertFusedGhmrMatchesElementPath(GhmrConfig config, INDArray x, INDArray t, INDArray w,
                                                                String where) {
        LossOutput fused = new LossOutput().withWeights();
        double loss = BACKEND.loss(config).compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t),
                w == null ? null : Nd4jTensor.of(w)), fused);

        LossOutput elements = new LossOutput().withWeights();
        double loss64 = BACKEND.loss(config).compute(LossInput.of(Nd4jTensor.of(x.castTo(DataType.DOUBLE)),
                Nd4jTensor.of(t.castTo(DataType.DOUBLE)), w == null ? null : Nd4jTensor.of(w.castTo(DataType.DOUBLE))), elements);
        assertArrayEquals(elements.stats().counts(), fused.stats().counts(), where + ": counts");
        assertEquals(elements.stats().tot(), fused.stats().tot(), 0.0, where + ": tot");
        assertEquals(loss64, loss, FUSED_RTOL * Math.abs(loss64), where + ": loss");
        // float32 kernels: x - t, r and d / r each rounded to float32 (D-19)
        assertGradientAndWeights(elements, fused, 1e-9, where);
        return fused;
    }

    /**
     * The fused path's gradient against the float64 element path's: with the vector kernels within
     * 1e-6 relative plus {@code atolOfMax} times the largest gradient, else within one float32 ulp; the
     * per-element weights equal after rounding to float32.
     */
    private static void assertGradientAndWeights(LossOutput elements, LossOutput fused, double atolOfMax, String where) {
        double[] grad = doubles(fused.gradient());
        double[] grad64 = doubles(elements.gradient());
        double gradMax = 0.0;
        for (double v : grad64) {
            gradMax = Math.max(gradMax, Math.abs(v));
        }
        for (int i = 0; i < grad.length; i++) {
            double tol = VectorSupport.ENABLED ? 1e-6 * Math.abs(grad64[i]) + atolOfMax * gradMax : Math.ulp((float) grad64[i]);
            assertEquals(grad64[i], grad[i], tol, where + ": gradient " + i);
        }
        double[] weights = doubles(fused.weights());
        double[] weights64 = doubles(elements.weights());
        for (int i = 0; i < weights.length; i++) {
            assertEquals((float) weights64[i], weights[i], 0.0, where + ": weights " + i);
        }
    }

    @Test
    @DisplayName("fused GHM-R keeps the float64 results where (x - t)^2 overflows float32 (|x - t| > 1.8e19)")
    void fusedGhmrKeepsFloat64ResultsWhereTheSquareOverflowsFloat32() {
        GhmrConfig config = GhmrConfig.builder().momentum(0).build();
        int n = 4 * 512;
        float[] x = new float[n];
        float[] t = new float[n];
        float[] w = new float[n];
        Random r = new Random(4);
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.2);
            t[i] = (float) (r.nextGaussian() * 0.2);
            w[i] = r.nextInt(10) == 0 ? 0f : 1f;
        }
        // block 0: x - t overflows float32; block 1: only d^2 does, once with weight 0 (both bins from |x - t|);
        // block 2: d^2 overflows next to an |x - t| at an edge crossing (slots stored); block 3 ends on one
        x[3] = 3e38f;
        t[3] = -3e38f;
        x[600] = 1e20f;
        x[601] = -1e25f;
        w[601] = 0f;
        x[1100] = 2e19f;
        double e1 = config.estimatorConfig().edges().edge(1);
        x[1101] = (float) (e1 * Math.sqrt(config.mu() * config.mu() / (1.0 - e1 * e1)));
        t[1101] = 0f;
        x[n - 1] = -7e30f;
        LossOutput out = assertFusedGhmrMatchesElementPath(config, Nd4j.create(x, new long[] {n / 4, 4}, 'c'),
                Nd4j.create(t, new long[] {n / 4, 4}, 'c'), Nd4j.create(w, new long[] {n / 4, 4}, 'c'), "overflow");
        assertTrue(Double.isFinite(out.loss()), "loss " + out.loss());
    }

    /**
     * Moves x (with t = 0) of part of the blocks of 512 elements to where g crosses an inner edge e_k, at
     * a_k = e_k sqrt(mu^2 / (1 - e_k^2)): every third block within 40 float32 steps of a_k (the kernels'
     * guard bands: their exact fallback), the next within 80 to 300 steps (their bounds). Returns, per
     * side (0: below, 1: at or above) and edge k, whether an element lies there by the float64 g of D-3.
     */
    private static boolean[][] nearEdgeDeltas(GhmrConfig config, float[] x, float[] t, Random r) {
        int inner = config.bins() - 1;
        double mu = config.mu();
        float[] crossing = new float[inner + 1];
        double[] edge = new double[inner + 1];
        for (int k = 1; k <= inner; k++) {
            edge[k] = config.estimatorConfig().edges().edge(k);
            crossing[k] = (float) (edge[k] * Math.sqrt(mu * mu / (1.0 - edge[k] * edge[k])));
        }
        boolean[][] side = new boolean[2][inner + 1];
        for (int i = 0; i < x.length; i++) {
            int block = i / 512;
            if (block % 3 == 0 || r.nextInt(4) == 0) {
                continue;
            }
            int k = 1 + r.nextInt(inner);
            int steps = block % 3 == 1 ? r.nextInt(81) - 40 : (80 + r.nextInt(221)) * (r.nextBoolean() ? 1 : -1);
            float a = Float.intBitsToFloat(Float.floatToRawIntBits(crossing[k]) + steps);
            x[i] = r.nextBoolean() ? a : -a;
            t[i] = 0f;
            double g = a / Math.sqrt((double) a * a + mu * mu);
            side[g >= edge[k] ? 1 : 0][k] = true;
        }
        return side;
    }

    @Test
    @DisplayName("outputs are native arrays allocated once and reused; views, f-order, float64 and heap inputs agree")
    void outputsAreReusedAndInputFormsAgree() {
        GhmcConfig config = GhmcConfig.builder().momentum(0).build();
        HarmonizedLoss loss = BACKEND.loss(config);
        Random r = new Random(3);
        float[][] b = Nd4jCrossBackendTest.batch(config, 30, 8, Nd4jCrossBackendTest.Weights.ELEMENT, r);
        INDArray x = Nd4j.create(b[0], new long[] {30, 8}, 'c');
        INDArray t = Nd4j.create(b[1], new long[] {30, 8}, 'c');
        INDArray w = Nd4j.create(b[2], new long[] {30, 8}, 'c');
        LossOutput out = new LossOutput();
        double ref = loss.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)), out);
        Tensor grad = out.gradient();
        assertTrue(grad instanceof Nd4jTensor, "gradient is an INDArray");
        double[] refGrad = doubles(grad).clone();
        loss.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)), out);
        assertSame(grad, out.gradient(), "the gradient buffer is reused");
        assertSame(((Nd4jTensor) grad).array(), ((Nd4jTensor) out.gradient()).array());

        LossInput[] forms = {
            LossInput.of(Nd4jTensor.of(x.dup('f')), Nd4jTensor.of(t.dup('f')), Nd4jTensor.of(w.dup('f'))),
            LossInput.of(Nd4jTensor.of(Nd4j.create(DataType.FLOAT, 30, 16).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 8)).assign(x)),
                    Nd4jTensor.of(t), Nd4jTensor.of(w)),
            LossInput.of(Tensor.of(b[0], 30, 8), Tensor.of(b[1], 30, 8), Tensor.of(b[2], 30, 8)),
        };
        for (LossInput in : forms) {
            LossOutput o = new LossOutput();
            assertEquals(ref, loss.compute(in, o), 0.0);
            assertArrayEquals(refGrad, doubles(o.gradient()), 0.0);
        }
        LossOutput o64 = new LossOutput();
        double l64 = loss.compute(LossInput.of(Nd4jTensor.of(x.castTo(DataType.DOUBLE)), Nd4jTensor.of(t.castTo(DataType.DOUBLE)),
                Nd4jTensor.of(w.castTo(DataType.DOUBLE))), o64);
        assertEquals(org.ghm4j.api.tensor.DType.FLOAT64, o64.gradient().dtype(), "float64 in, float64 out");
        assertEquals(ref, l64, FUSED_RTOL * Math.abs(ref));

        // a caller-supplied heap buffer and a caller-supplied view are written in place
        float[] heap = new float[240];
        LossOutput supplied = new LossOutput().gradientInto(Tensor.of(heap, 30, 8));
        loss.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)), supplied);
        for (int i = 0; i < heap.length; i++) {
            assertEquals(refGrad[i], heap[i], 0.0);
        }
        INDArray big = Nd4j.zeros(DataType.FLOAT, 30, 10);
        INDArray view = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 9));
        loss.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(t), Nd4jTensor.of(w)),
                new LossOutput().gradientInto(Nd4jTensor.of(view)));
        assertArrayEquals(refGrad, doubles(Nd4jTensor.of(view.dup('c'))), 0.0);
        assertEquals(0.0, big.getColumn(0).sumNumber().doubleValue(), "outside the view untouched");
    }

    @Test
    @DisplayName("GHM-1.8 no valid element: loss 0, zero gradient, state and steps unchanged")
    void noValidElementChangesNothing() {
        HarmonizedLoss loss = BACKEND.loss(GhmcConfig.mmdetection());
        loss.compute(batch(GhmcConfig.mmdetection(), 5, 3, 1));
        DensityState before = loss.snapshot();
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3);
        LossOutput o = loss.compute(LossInput.of(Nd4jTensor.of(x), Nd4jTensor.of(x.dup()),
                Nd4jTensor.of(Nd4j.zeros(DataType.FLOAT, 5))));
        assertEquals(0.0, o.loss());
        assertEquals(0.0, ((Nd4jTensor) o.gradient()).array().amaxNumber().doubleValue());
        assertEquals(before, loss.snapshot());
    }

    @Test
    @DisplayName("GHM-2.4, GHM-9.3 float64 logits keep float64 accuracy out to |x| = 700 (loss 1e-12 relative)")
    void float64LogitsKeepFloat64AccuracyFarOut() {
        double[] xs = {-700, -300, -100, -88.5, -50, -20, -1e-3, 0, 1e-3, 1, 20, 50, 100, 300, 700};
        double[] ts = {0, 1, 0.3};
        int n = xs.length * ts.length;
        double[] x = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = xs[i % xs.length];
            t[i] = ts[i / xs.length];
        }
        // one bin and momentum 0: every weight is 1, so NONE gives l and the gradient p - t themselves
        HarmonizedLoss loss = BACKEND.loss(GhmcConfig.builder().bins(1).momentum(0).reduction(Reduction.NONE).build());
        LossOutput out = loss.compute(LossInput.of(Nd4jTensor.of(Nd4j.createFromArray(x)),
                Nd4jTensor.of(Nd4j.createFromArray(t))));
        double[] l = doubles(out.elementLoss());
        double[] g = doubles(out.gradient());
        for (int i = 0; i < n; i++) {
            double e = StrictMath.exp(-Math.abs(x[i]));
            double wantL = Math.max(x[i], 0) - x[i] * t[i] + StrictMath.log1p(e);
            double wantG = (x[i] >= 0 ? 1 / (1 + e) : e / (1 + e)) - t[i];
            String at = "x=" + x[i] + " t=" + t[i];
            assertEquals(wantL, l[i], 1e-12 * Math.abs(wantL), "loss at " + at);
            // GHM-9.3's form, float64: atol 1e-12 * max|gradient| (p - t cancels for t = 1 and large x)
            assertEquals(wantG, g[i], 1e-12 + 1e-12 * Math.abs(wantG), "gradient at " + at);
        }
    }
}
