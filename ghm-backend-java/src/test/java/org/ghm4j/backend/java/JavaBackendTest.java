package org.ghm4j.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidInputException;
import org.ghm4j.api.error.StateException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.Histogram;
import org.ghm4j.api.state.HistogramSynchronizer;
import org.ghm4j.api.tensor.FloatArrayTensor;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.VectorSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JavaBackendTest {

    private static final LossConfig[] CONFIGS = {GhmcConfig.mmdetection(), GhmrConfig.retinanet(),
            CategoricalConfig.harmonizedCategorical(), CategoricalConfig.seedCategorical().toBuilder()
            .input(org.ghm4j.api.config.InputKind.LOGITS).build()};

    /** A random batch [rows, cols] for {@code config}, with ~10% of rows invalid. */
    static LossInput batch(LossConfig config, int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pred = new float[rows * cols];
        float[] target = new float[rows * cols];
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            w[i] = r.nextDouble() < 0.1 ? 0f : 1f;
            int label = r.nextInt(cols);
            for (int c = 0; c < cols; c++) {
                int k = i * cols + c;
                pred[k] = (float) (r.nextGaussian() * 2 - (config instanceof GhmcConfig ? 2 : 0));
                target[k] = config instanceof GhmrConfig ? (float) r.nextGaussian() : c == label ? 1f : 0f;
            }
        }
        return LossInput.of(Tensor.of(pred, rows, cols), Tensor.of(target, rows, cols), Tensor.of(w, rows));
    }

    private static float[] gradient(LossOutput out) {
        return ((FloatArrayTensor) out.gradient()).array().clone();
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        for (LossConfig config : CONFIGS) {
            LossInput in = batch(config, 9001, 37, 7);
            double[] losses = new double[3];
            List<float[]> grads = new ArrayList<>();
            List<DensityState> states = new ArrayList<>();
            int[] threads = {1, 2, 5};
            for (int t = 0; t < threads.length; t++) {
                try (JavaBackend b = new JavaBackend(new BackendOptions(threads[t]))) {
                    HarmonizedLoss loss = b.loss(config);
                    LossOutput out = new LossOutput();
                    loss.compute(in, out);
                    losses[t] = loss.compute(in, out);
                    grads.add(gradient(out));
                    states.add(loss.snapshot());
                }
            }
            for (int t = 1; t < threads.length; t++) {
                assertEquals(Double.doubleToRawLongBits(losses[0]), Double.doubleToRawLongBits(losses[t]),
                        config + " loss with " + threads[t] + " threads");
                assertArrayEquals(grads.get(0), grads.get(t), config + " gradient with " + threads[t] + " threads");
                assertEquals(states.get(0), states.get(t));
            }
        }
    }

    /** GHM-5.5: W workers on W shards with a summing synchronizer equal one worker on the whole batch. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void summingSynchronizerMakesShardsEqualTheWholeBatch(int which) throws Exception {
        LossConfig config = CONFIGS[which];
        int workers = 3;
        int rows = 3000;
        int cols = 12;
        try (JavaBackend b = new JavaBackend(new BackendOptions(1))) {
            HarmonizedLoss whole = b.loss(config);
            List<HarmonizedLoss> shards = new ArrayList<>();
            AllReduce allReduce = new AllReduce(workers, config.bins());
            for (int w = 0; w < workers; w++) {
                HarmonizedLoss l = b.loss(config);
                l.synchronizer(allReduce);
                shards.add(l);
            }
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            try {
                for (int step = 0; step < 3; step++) {
                    LossInput in = batch(config, rows, cols, 100 + step);
                    LossOutput wholeOut = new LossOutput().withWeights();
                    double wholeLoss = whole.compute(in, wholeOut);
                    float[] wholeWeights = ((FloatArrayTensor) wholeOut.weights()).array();
                    List<Future<double[]>> parts = new ArrayList<>();
                    for (int w = 0; w < workers; w++) {
                        int first = w * rows / workers;
                        int last = (w + 1) * rows / workers;
                        HarmonizedLoss l = shards.get(w);
                        LossInput shard = slice(in, first, last, cols);
                        parts.add(pool.submit(() -> {
                            LossOutput o = new LossOutput().withWeights();
                            double loss = l.compute(shard, o);
                            float[] wts = ((FloatArrayTensor) o.weights()).array();
                            double[] res = new double[wts.length + 1];
                            res[0] = loss;
                            for (int i = 0; i < wts.length; i++) {
                                res[i + 1] = wts[i];
                            }
                            return res;
                        }));
                    }
                    double sum = 0;
                    for (int w = 0; w < workers; w++) {
                        double[] res = parts.get(w).get();
                        sum += res[0];
                        int first = w * rows / workers * cols;
                        for (int i = 1; i < res.length; i++) {
                            assertEquals(wholeWeights[first + i - 1], res[i], 0.0, "weight " + (first + i - 1));
                        }
                    }
                    // float32 vector kernels: shards start their blocks elsewhere, and a tail takes the float64 path
                    assertEquals(wholeLoss, sum, (VectorSupport.ENABLED ? 1e-6 : 1e-12) * Math.abs(wholeLoss), "step " + step);
                    for (HarmonizedLoss l : shards) {
                        assertArrayEquals(whole.snapshot().accumulator(), l.snapshot().accumulator(), 1e-12);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static LossInput slice(LossInput in, int first, int last, int cols) {
        float[] p = java.util.Arrays.copyOfRange(((FloatArrayTensor) in.pred()).array(), first * cols, last * cols);
        float[] t = java.util.Arrays.copyOfRange(((FloatArrayTensor) in.target()).array(), first * cols, last * cols);
        float[] w = java.util.Arrays.copyOfRange(((FloatArrayTensor) in.labelWeight()).array(), first, last);
        int n = last - first;
        return LossInput.of(Tensor.of(p, n, cols), Tensor.of(t, n, cols), Tensor.of(w, n));
    }

    /** An in-process all-reduce: every worker waits for the others, then sees the sums. */
    static final class AllReduce implements HistogramSynchronizer {
        private final CyclicBarrier gathered;
        private final CyclicBarrier read;
        private final long[] counts;
        private double tot;
        private final Object lock = new Object();

        AllReduce(int workers, int bins) {
            counts = new long[bins];
            gathered = new CyclicBarrier(workers);
            read = new CyclicBarrier(workers, () -> {
                java.util.Arrays.fill(counts, 0);
                tot = 0;
            });
        }

        @Override
        public Histogram synchronize(Histogram local) {
            try {
                synchronized (lock) {
                    for (int k = 0; k < counts.length; k++) {
                        counts[k] += local.counts()[k];
                    }
                    tot += local.tot();
                }
                gathered.await();
                Histogram global;
                synchronized (lock) {
                    global = new Histogram(counts.clone(), tot);
                }
                read.await();
                return global;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void badInputNamesArgumentIndexAndValueAndLeavesStateUntouched() {
        try (JavaBackend b = new JavaBackend()) {
            HarmonizedLoss loss = b.loss(GhmcConfig.mmdetection());
            LossInput good = batch(GhmcConfig.mmdetection(), 50, 4, 3);
            loss.compute(good);
            DensityState before = loss.snapshot();

            float[] pred = ((FloatArrayTensor) good.pred()).array().clone();
            pred[4 * 7 + 2] = Float.NaN;
            pred[4 * 9 + 1] = Float.POSITIVE_INFINITY;
            InvalidInputException nan = assertThrows(InvalidInputException.class, () -> loss.compute(
                    LossInput.of(Tensor.of(pred, 50, 4), good.target(), good.labelWeight())));
            assertEquals(ErrorId.INPUT_NONFINITE, nan.errorId());
            assertEquals("[GHM-INPUT-NONFINITE] pred[7, 2] (flat index 30 of shape [50, 4]) is NaN; every element"
                    + " must be finite (GHM-6.1)", nan.getMessage());
            assertEquals(before, loss.snapshot());

            float[] target = ((FloatArrayTensor) good.target()).array().clone();
            target[13] = 1.5f;
            InvalidInputException range = assertThrows(InvalidInputException.class, () -> loss.compute(
                    LossInput.of(good.pred(), Tensor.of(target, 50, 4), good.labelWeight())));
            assertEquals("[GHM-INPUT-RANGE] target[3, 1] (flat index 13 of shape [50, 4]) is 1.5, outside [0, 1]"
                    + " (GHM-C targets lie in [0, 1], GHM-6.3)", range.getMessage());

            // -1 and -0 have the bit patterns of the hard targets 1 and 0 but for the sign: -1 is refused
            target[13] = -1f;
            target[14] = -0f;
            range = assertThrows(InvalidInputException.class, () -> loss.compute(
                    LossInput.of(good.pred(), Tensor.of(target, 50, 4), good.labelWeight())));
            assertEquals("[GHM-INPUT-RANGE] target[3, 1] (flat index 13 of shape [50, 4]) is -1.0, outside [0, 1]"
                    + " (GHM-C targets lie in [0, 1], GHM-6.3)", range.getMessage());
            assertEquals(before, loss.snapshot());

            float[] w = new float[50];
            java.util.Arrays.fill(w, 1f);
            w[44] = -1f;
            InvalidInputException neg = assertThrows(InvalidInputException.class, () -> loss.compute(
                    LossInput.of(good.pred(), good.target(), Tensor.of(w, 50))));
            assertEquals("[GHM-INPUT-RANGE] labelWeight[44] (flat index 44 of shape [50]) is -1.0, outside [0, +inf)"
                    + " (label weights are >= 0, D-7)", neg.getMessage());
            w[44] = Float.NaN;
            assertTrue(assertThrows(InvalidInputException.class, () -> loss.compute(LossInput.of(good.pred(),
                    good.target(), Tensor.of(w, 50)))).getMessage().startsWith("[GHM-INPUT-NONFINITE] labelWeight[44]"));
            assertEquals(before, loss.snapshot());

            assertEquals("[GHM-INPUT-SHAPE] target has shape [50, 5] but pred has shape [50, 4]; they must be equal"
                    + " (GHM-6.2)", assertThrows(InvalidInputException.class, () -> LossInput.of(good.pred(),
                    Tensor.of(new float[250], 50, 5))).getMessage());
        }
    }

    @Test
    void ghmrRefusesNonFiniteDeltasAndCategoricalRefusesElementWeights() {
        try (JavaBackend b = new JavaBackend()) {
            float[] t = {0f, 0f, Float.NEGATIVE_INFINITY, 0f};
            assertEquals("[GHM-INPUT-NONFINITE] target[0, 2] (flat index 2 of shape [1, 4]) is -Infinity; every"
                    + " element must be finite (GHM-6.1)", assertThrows(InvalidInputException.class,
                    () -> b.loss(GhmrConfig.mmdetection()).compute(LossInput.of(Tensor.of(new float[4], 1, 4),
                            Tensor.of(t, 1, 4)))).getMessage());
            assertEquals("[GHM-INPUT-SHAPE] labelWeight has shape [2, 3] but pred has shape [2, 3]; categorical GHM-C"
                    + " takes a row mask of shape [2] (GHM-3.1, D-6)", assertThrows(InvalidInputException.class,
                    () -> b.loss(CategoricalConfig.harmonizedCategorical()).compute(LossInput.of(
                            Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 2, 3))))
                    .getMessage());
        }
    }

    @Test
    void ghmrReportsTheFirstBadValueInRowMajorOrder() {
        // 3000 rows x 4 over several chunks; a bad row weight at row 2000 and a NaN at row 1500 or 2500
        try (JavaBackend b = new JavaBackend(new BackendOptions(2))) {
            HarmonizedLoss loss = b.loss(GhmrConfig.retinanet());
            float[] w = new float[3000];
            java.util.Arrays.fill(w, 1f);
            w[2000] = -2f;
            for (int nanRow : new int[] {1500, 2500}) {
                float[] x = new float[12000];
                x[nanRow * 4 + 3] = Float.NaN;
                String message = assertThrows(InvalidInputException.class, () -> loss.compute(LossInput.of(
                        Tensor.of(x, 3000, 4), Tensor.of(new float[12000], 3000, 4), Tensor.of(w, 3000)))).getMessage();
                assertTrue(message.startsWith(nanRow < 2000 ? "[GHM-INPUT-NONFINITE] pred[1500, 3]"
                        : "[GHM-INPUT-RANGE] labelWeight[2000]"), message);
            }
        }
    }

    @Test
    void snapshotSerializeRestoreContinuesBitIdentically() {
        try (JavaBackend b = new JavaBackend()) {
            HarmonizedLoss a = b.loss(GhmrConfig.retinanet());
            for (int s = 0; s < 3; s++) {
                a.compute(batch(GhmrConfig.retinanet(), 200, 4, s));
            }
            HarmonizedLoss resumed = b.loss(GhmrConfig.retinanet());
            resumed.restore(DensityState.fromBytes(a.snapshot().toBytes()));
            LossInput next = batch(GhmrConfig.retinanet(), 200, 4, 99);
            LossOutput x = a.compute(next);
            LossOutput y = resumed.compute(next);
            assertEquals(Double.doubleToRawLongBits(x.loss()), Double.doubleToRawLongBits(y.loss()));
            assertArrayEquals(gradient(x), gradient(y));
            assertEquals(a.snapshot(), resumed.snapshot());
            assertEquals(4, resumed.snapshot().steps());

            StateException e = assertThrows(StateException.class,
                    () -> b.loss(GhmrConfig.mmdetection()).restore(a.snapshot()));
            assertEquals("[GHM-STATE-MISMATCH] cannot restore a snapshot of (bins=10, momentum=0.7, mode=HARMONIZED)"
                    + " into an instance with (bins=10, momentum=0.0, mode=HARMONIZED)", e.getMessage());
            resumed.reset();
            assertEquals(DensityState.initial(GhmrConfig.retinanet().estimatorConfig()), resumed.snapshot());
        }
    }

    @Test
    void previewGivesTheCommitResultWithoutMovingTheState() {
        try (JavaBackend b = new JavaBackend()) {
            HarmonizedLoss loss = b.loss(GhmcConfig.mmdetection());
            loss.compute(batch(GhmcConfig.mmdetection(), 300, 8, 1));
            DensityState before = loss.snapshot();
            LossInput in = batch(GhmcConfig.mmdetection(), 300, 8, 2);
            LossOutput preview = new LossOutput();
            double p = loss.compute(in, preview, StateUpdate.PREVIEW);
            float[] previewGrad = gradient(preview);
            assertEquals(before, loss.snapshot());
            LossOutput commit = new LossOutput();
            assertEquals(p, loss.compute(in, commit, StateUpdate.COMMIT), 0.0);
            assertArrayEquals(previewGrad, gradient(commit));
            assertNotEquals(before, loss.snapshot());
        }
    }

    @Test
    void concurrentCallsEqualASerialOrder() throws Exception {
        LossInput in = batch(GhmcConfig.mmdetection(), 500, 10, 5);
        try (JavaBackend b = new JavaBackend(new BackendOptions(2))) {
            HarmonizedLoss serial = b.loss(GhmcConfig.mmdetection());
            for (int i = 0; i < 40; i++) {
                serial.compute(in);
            }
            HarmonizedLoss shared = b.loss(GhmcConfig.mmdetection());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> shared.compute(in)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertEquals(serial.snapshot(), shared.snapshot());
        }
    }

    @Test
    void everyMemoryKindGivesTheSameResult() {
        LossInput heap = batch(GhmcConfig.mmdetection(), 400, 6, 11);
        float[] p = ((FloatArrayTensor) heap.pred()).array();
        FloatBuffer direct = ByteBuffer.allocateDirect(p.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(p).flip();
        LossInput mixed = LossInput.of(Tensor.direct(direct, 400, 6), Tensor.copyOfDoubles(heap.target()),
                heap.labelWeight());
        try (JavaBackend b = new JavaBackend()) {
            LossOutput x = b.loss(GhmcConfig.mmdetection()).compute(heap);
            FloatBuffer gradOut = ByteBuffer.allocateDirect(p.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            LossOutput y = new LossOutput().gradientInto(Tensor.direct(gradOut, 400, 6));
            b.loss(GhmcConfig.mmdetection()).compute(mixed, y);
            assertEquals(x.loss(), y.loss(), 0.0);
            float[] g = new float[p.length];
            gradOut.get(0, g);
            assertArrayEquals(gradient(x), g);
        }
    }

    @Test
    void aSteadyStateCallAllocatesNothing() {
        // bytes allocated by the calling thread and the backend's pool threads, per call, after warm-up
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        LossConfig[] configs = {GhmcConfig.mmdetection(), GhmrConfig.retinanet(), CategoricalConfig.harmonizedCategorical()};
        for (LossConfig config : configs) {
            LossInput in = batch(config, 20_000, config instanceof GhmrConfig ? 4 : 8, 5);
            try (JavaBackend b = new JavaBackend(new BackendOptions(2))) {
                HarmonizedLoss loss = b.loss(config);
                LossOutput out = new LossOutput();
                for (int i = 0; i < 300; i++) {
                    loss.compute(in, out);
                }
                // the best of several windows: code still running in the interpreter or C1 right after
                // warm-up may allocate objects that C2 later eliminates (seen once: 23 B/call). The Vector
                // API kernels allocate a vector object per operation until C2 has compiled them, which
                // on a busy 2-core machine can take seconds
                long[] ids = poolAndCaller(mx);
                long perCall = Long.MAX_VALUE;
                for (int window = 0; window < 40 && perCall >= 8; window++) {
                    long before = allocated(mx, ids);
                    for (int i = 0; i < 100; i++) {
                        loss.compute(in, out);
                    }
                    perCall = Math.min(perCall, (allocated(mx, ids) - before) / 100);
                }
                assertTrue(perCall < 8, config + ": " + perCall + " bytes per call");
            }
        }
    }

    /** The calling thread and the ForkJoinPool workers (looked up once: the lookup allocates). */
    private static long[] poolAndCaller(com.sun.management.ThreadMXBean mx) {
        return java.util.Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds()))
                .filter(i -> i != null && (i.getThreadId() == Thread.currentThread().getId()
                        || i.getThreadName().startsWith("ForkJoinPool-")))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId).toArray();
    }

    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, mx.getThreadAllocatedBytes(id));
        }
        return sum;
    }

    @Test
    void reductionsAreConsistent() {
        LossInput in = batch(GhmcConfig.mmdetection(), 100, 5, 21);
        try (JavaBackend b = new JavaBackend()) {
            GhmcConfig mean = GhmcConfig.builder().momentum(0).build();
            LossOutput m = b.loss(mean).compute(in);
            LossOutput s = b.loss(mean.toBuilder().reduction(Reduction.SUM).build()).compute(in);
            LossOutput n = b.loss(mean.toBuilder().reduction(Reduction.NONE).build()).compute(in);
            double tot = m.stats().tot();
            // NONE runs element by element in float64; MEAN and SUM on the block kernels, in float32 with
            // the Vector API (factors rounded to float32 too)
            double rtol = VectorSupport.ENABLED ? 1e-6 : 1e-12;
            assertEquals(m.loss() * tot, s.loss(), Math.max(rtol, 1e-9) * s.loss());
            assertEquals(s.loss(), n.loss(), rtol * s.loss());
            double sum = 0;
            for (int i = 0; i < 500; i++) {
                sum += n.elementLoss().getDouble(i);
            }
            assertEquals(s.loss(), sum, 1e-5 * s.loss());
            for (int i = 0; i < 500; i++) {
                assertEquals(m.gradient().getDouble(i) * tot, s.gradient().getDouble(i), 1e-6);
                // SUM scales in float64 before rounding (fused pass 2), NONE rounds raw and factor first
                assertEquals(s.gradient().getDouble(i), n.gradient().getDouble(i), 3e-7 * Math.abs(s.gradient().getDouble(i)));
            }
        }
    }
}
