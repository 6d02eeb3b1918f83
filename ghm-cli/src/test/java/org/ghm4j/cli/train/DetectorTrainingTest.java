package org.ghm4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ghm4j.backend.nd4j.dl4j.GhmLossFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Forty iterations of each loss on one fixed batch of four images (Adam 1e-3), then checks with
 * fixed yardsticks: the loss of the predictions before and after, both scored by the trained loss
 * functions without an update (for GHM: with the same EMA state, since GHM's weights follow the
 * state), falls; the positive anchors' probability of their class rises and the mean BCE over the
 * valid (anchor, class) elements falls. For focal and BCE (Smooth L1 boxes) the mean |error| of the
 * positives' deltas falls as well. For GHM-R that last check does not hold on this batch: its
 * delta error does not fall (seen: 1.134 -> 1.137, 1.134 -> 1.204) and its GHM-R value rises
 * (0.59 -> 0.74, 0.59 -> 0.80) while the classification part falls; see docs/training.md. No
 * accuracy thresholds.
 *
 * <p>The GHM numbers after training are a function of the seed, but not of the seed alone: the
 * trajectory is so sensitive to rounding (an element that moves across a bin edge changes the
 * weights of its whole bin) that a last-bit change of the first loss gives another loss after 40
 * iterations in the first digit. They also depend on the version of the GHM kernels, on which kernels
 * run ({@code -Dghm.vector=false}: float64 instead of float32) and on ND4J's native thread counts,
 * which ND4J fixes at start-up from {@code OMP_NUM_THREADS} or the number of cores (the pom pins
 * {@code OMP_NUM_THREADS} for these tests; {@code Nd4j.getEnvironment().setMaxThreads} does not
 * change them in ND4J 1.0.0-M2.1). Focal and BCE move only in the third or fourth digit.
 * {@link #ghmRunIsAFunctionOfTheSeedInOneJvm} checks what does hold: in one JVM, two runs agree bit
 * for bit.
 */
class DetectorTrainingTest {
    private static final int ITERATIONS = 40;

    @BeforeAll
    static void quiet() {
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
    }

    @Test
    void outputLayoutCoversEveryColumnOnce() {
        DetectorModel m = new DetectorModel(64, 3);
        int anchors = m.grid().totalAnchors();
        assertEquals(6 * (64 + 16 + 4), anchors);
        BitSet cls = new BitSet();
        BitSet box = new BitSet();
        for (int j = 0; j < anchors; j++) {
            for (int k = 0; k < 3; k++) {
                assertTrue(!cls.get(m.clsColumn(j, k)));
                cls.set(m.clsColumn(j, k));
            }
            for (int c = 0; c < 4; c++) {
                box.set(m.boxColumn(j, c));
            }
        }
        assertEquals(anchors * 3, cls.cardinality());
        assertEquals(m.clsWidth(), cls.length());
        assertEquals(anchors * 4, box.cardinality());
        assertEquals(m.boxWidth(), box.length());
        // level 0 (8x8, A = 6, K = 3): anchor (y=1, x=2, a=4) class 2 is channel a*K+k = 14 at (1, 2)
        assertEquals((14 * 8 + 1) * 8 + 2, m.clsColumn((1 * 8 + 2) * 6 + 4, 2));
    }

    @Test
    void ghmTrainsTowardTheTargets() {
        trainsTowardTheTargets(LossKind.GHM);
    }

    @Test
    void focalTrainsTowardTheTargets() {
        trainsTowardTheTargets(LossKind.FOCAL);
    }

    @Test
    void bceTrainsTowardTheTargets() {
        trainsTowardTheTargets(LossKind.BCE);
    }

    private static void trainsTowardTheTargets(LossKind kind) {
        ShapesDataset data = new ShapesDataset(64, 4, 8, 4, 5);
        Trainer trainer = new Trainer(new Trainer.Settings(data, ITERATIONS, 4, 1e-3, 5));
        ComputationGraph net = trainer.network(kind);
        Trainer.Batch batch = trainer.batch(ShapesDataset.Split.TRAIN, new int[] {0, 1, 2, 3});
        assertTrue(batch.targets().numPositives() >= 4, "positives " + batch.targets().numPositives());
        INDArray[] initial = net.output(false, batch.images());
        double[] before = distances(initial, batch);
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(batch.dataSet());
            assertTrue(Double.isFinite(net.score()), kind + ": score " + net.score());
        }
        INDArray[] trained = net.output(false, batch.images());
        double[] after = distances(trained, batch);
        // the loss of the predictions before and after under the trained loss functions (no update)
        double lossBefore = loss(net, initial, batch);
        double lossAfter = loss(net, trained, batch);
        String report = kind + ": loss " + lossBefore + " -> " + lossAfter + " (cls " + part(net, initial, batch, 0) + " -> "
                + part(net, trained, batch, 0) + "), 1 - p(target class) " + before[0] + " -> "
                + after[0] + ", mean |delta error| " + before[1] + " -> " + after[1] + ", mean BCE " + before[2] + " -> " + after[2];
        if (kind == LossKind.GHM) {
            // GHM's total is not comparable across predictions: each call re-weights by its own batch's
            // gradient-norm histogram, so as most boxes get easier the rare hard bins weigh more and the
            // GHM-R part can rise (seen: 0.59 -> 0.74 and 0.59 -> 0.92 while |delta error| barely moved).
            // The classification part must fall
            assertTrue(part(net, trained, batch, 0) < part(net, initial, batch, 0), report);
        } else {
            assertTrue(lossAfter < lossBefore, report);
        }
        assertTrue(after[0] < before[0], report);
        assertTrue(after[2] < before[2], report);
        if (kind != LossKind.GHM) {
            assertTrue(after[1] < before[1], report);
        }
    }

    /**
     * Two GHM runs on fresh networks in one JVM, one after the other: the same score at every iteration
     * and the same EMA states, bit for bit (nothing is carried over through the adapters' shared
     * backend or other global state). Scoring with the trained loss functions previews: it leaves their
     * state alone, so the before and after yardsticks do not depend on the order of the calls.
     */
    @Test
    void ghmRunIsAFunctionOfTheSeedInOneJvm() {
        GhmRun first = ghmRun(10);
        GhmRun second = ghmRun(10);
        assertArrayEquals(first.scores(), second.scores());
        assertArrayEquals(first.clsState(), second.clsState());
        assertArrayEquals(first.boxState(), second.boxState());
        assertEquals(first.lossBefore(), second.lossBefore(), 0.0);
        assertEquals(first.lossAfter(), second.lossAfter(), 0.0);
    }

    private record GhmRun(double[] scores, byte[] clsState, byte[] boxState, double lossBefore, double lossAfter) {
    }

    private static GhmRun ghmRun(int iterations) {
        ShapesDataset data = new ShapesDataset(64, 4, 8, 4, 5);
        Trainer trainer = new Trainer(new Trainer.Settings(data, iterations, 4, 1e-3, 5));
        ComputationGraph net = trainer.network(LossKind.GHM);
        Trainer.Batch batch = trainer.batch(ShapesDataset.Split.TRAIN, new int[] {0, 1, 2, 3});
        INDArray[] initial = net.output(false, batch.images());
        double[] scores = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            net.fit(batch.dataSet());
            scores[i] = net.score();
        }
        INDArray[] trained = net.output(false, batch.images());
        GhmLossFunction cls = (GhmLossFunction) ((LossLayer) net.getLayer("cls").conf().getLayer()).getLossFn();
        GhmLossFunction box = (GhmLossFunction) ((LossLayer) net.getLayer("box").conf().getLayer()).getLossFn();
        byte[] clsState = cls.snapshot().toBytes();
        byte[] boxState = box.snapshot().toBytes();
        // after first, then before, then both again
        double lossAfter = loss(net, trained, batch);
        double lossBefore = loss(net, initial, batch);
        assertEquals(lossBefore, loss(net, initial, batch), 0.0);
        assertEquals(lossAfter, loss(net, trained, batch), 0.0);
        assertArrayEquals(clsState, cls.snapshot().toBytes(), "scoring moved the GHM-C state");
        assertArrayEquals(boxState, box.snapshot().toBytes(), "scoring moved the GHM-R state");
        return new GhmRun(scores, clsState, boxState, lossBefore, lossAfter);
    }

    private static double part(ComputationGraph net, INDArray[] out, Trainer.Batch b, int which) {
        ILossFunction f = ((LossLayer) net.getLayer(which == 0 ? "cls" : "box").conf().getLayer()).getLossFn();
        return which == 0 ? f.computeScore(b.clsLabels(), out[0], Activation.IDENTITY.getActivationFunction(), b.clsMask(), true)
                : f.computeScore(b.boxLabels(), out[1], Activation.IDENTITY.getActivationFunction(), b.boxMask(), true);
    }

    /** Score of {@code out} under the network's loss functions in their current state (no update). */
    private static double loss(ComputationGraph net, INDArray[] out, Trainer.Batch b) {
        ILossFunction cls = ((LossLayer) net.getLayer("cls").conf().getLayer()).getLossFn();
        ILossFunction box = ((LossLayer) net.getLayer("box").conf().getLayer()).getLossFn();
        IActivation id = Activation.IDENTITY.getActivationFunction();
        return cls.computeScore(b.clsLabels(), out[0], id, b.clsMask(), true)
                + box.computeScore(b.boxLabels(), out[1], id, b.boxMask(), true);
    }

    /** [mean 1 - p of the positives' target class, mean |delta error| of the positives]. */
    private static double[] distances(INDArray[] out, Trainer.Batch b) {
        double[] x = out[0].dup('c').data().asDouble();
        double[] t = b.clsLabels().dup('c').data().asDouble();
        double[] w = b.clsMask().dup('c').data().asDouble();
        double miss = 0;
        double pos = 0;
        double bce = 0;
        double valid = 0;
        for (int i = 0; i < x.length; i++) {
            if (w[i] > 0) {
                double p = 1 / (1 + Math.exp(-x[i]));
                bce += -(t[i] * Math.log(p) + (1 - t[i]) * Math.log1p(-p));
                valid++;
            }
            if (w[i] > 0 && t[i] == 1) {
                miss += 1 - 1 / (1 + Math.exp(-x[i]));
                pos++;
            }
        }
        double[] d = out[1].dup('c').data().asDouble();
        double[] dt = b.boxLabels().dup('c').data().asDouble();
        double[] dw = b.boxMask().dup('c').data().asDouble();
        double err = 0;
        double m = 0;
        for (int i = 0; i < d.length; i++) {
            if (dw[i] > 0) {
                err += Math.abs(d[i] - dt[i]);
                m++;
            }
        }
        return new double[] {miss / pos, err / m, bce / valid};
    }
}
