package org.ghm4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A few iterations of each loss on one fixed batch: the training loss falls, the predicted class
 * probabilities move toward the one-hot targets (mean BCE over the valid elements falls) and the
 * predicted deltas toward the target deltas (mean |error| on the positives falls). No accuracy
 * thresholds.
 */
class DetectorTrainingTest {
    private static final int ITERATIONS = 12;

    @BeforeAll
    static void quiet() {
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
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
        double[] before = distances(net, batch);
        double first = 0;
        double last = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(batch.dataSet());
            if (i < 2) {
                first += net.score();
            }
            if (i >= ITERATIONS - 2) {
                last += net.score();
            }
        }
        double[] after = distances(net, batch);
        assertTrue(last < first, kind + ": loss " + first / 2 + " -> " + last / 2);
        assertTrue(after[0] < before[0], kind + ": mean BCE " + before[0] + " -> " + after[0]);
        assertTrue(after[1] < before[1], kind + ": positive-class probability " + before[1] + " -> " + after[1]);
        assertTrue(after[2] < before[2], kind + ": mean |delta error| " + before[2] + " -> " + after[2]);
    }

    /** [mean BCE over valid elements, mean (1 - p) of the positives' class, mean |delta error| of the positives]. */
    private static double[] distances(ComputationGraph net, Trainer.Batch b) {
        INDArray[] out = net.output(false, b.images());
        double[] x = out[0].dup('c').data().asDouble();
        double[] t = b.clsLabels().dup('c').data().asDouble();
        double[] w = b.clsMask().dup('c').data().asDouble();
        double bce = 0;
        double n = 0;
        double miss = 0;
        double pos = 0;
        for (int i = 0; i < x.length; i++) {
            if (w[i] > 0) {
                double p = 1 / (1 + Math.exp(-x[i]));
                bce += -(t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p));
                n++;
                if (t[i] == 1) {
                    miss += 1 - p;
                    pos++;
                }
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
        return new double[] {bce / n, miss / pos, err / m};
    }
}
