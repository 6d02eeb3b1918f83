package org.ghm4j.backend.nd4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.state.DensityState;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The DL4J adapters in real networks: OutputLayer, LossLayer and CnnLossLayer train on a synthetic
 * imbalanced problem with each adapter; DL4J's back-propagated gradient matches finite differences
 * of the adapter's score (float64); the state advances once per iteration and not when scoring;
 * JSON and ModelSerializer round trips continue bit-identically (GHM-5.2).
 */
class Dl4jAdaptersTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    enum Task { SIGMOID, SOFTMAX, REGRESSION }

    // ---- data ----

    /** Features [n, 6]; labels per task from a fixed linear rule with rare positives (about 8%). */
    static DataSet dense(Task task, int n, long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(type, n, FEATURES);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.randn(type, FEATURES, CLASSES);
        INDArray scores = x.mmul(w);
        return new DataSet(x, labels(task, scores));
    }

    static INDArray labels(Task task, INDArray scores) {
        return switch (task) {
            case SIGMOID -> scores.gt(2.0).castTo(scores.dataType());
            case SOFTMAX -> {
                // a rare class 0 and common others: the argmax of shifted scores
                INDArray shifted = scores.dup();
                shifted.getColumn(0).subi(1.5);
                INDArray idx = Nd4j.argMax(shifted, 1);
                INDArray oneHot = Nd4j.zeros(scores.dataType(), scores.size(0), scores.size(1));
                for (int r = 0; r < scores.size(0); r++) {
                    oneHot.putScalar(r, idx.getInt(r), 1.0);
                }
                yield oneHot;
            }
            case REGRESSION -> scores.mul(0.1);
        };
    }

    /** Images [n, 2, 4, 4] and per-pixel labels [n, 4, 4, 4] from a 1x1 linear rule. */
    static DataSet images(Task task, int n, long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(type, n, 2, 4, 4);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.randn(type, 2, CLASSES);
        INDArray flat = x.permute(0, 2, 3, 1).dup('c').reshape(n * 16L, 2);
        INDArray lab = labels(task, flat.mmul(w));
        INDArray y = lab.reshape(n, 4, 4, CLASSES).permute(0, 3, 1, 2).dup('c');
        return new DataSet(x, y);
    }

    static ILossFunction lossFor(Task task) {
        return switch (task) {
            case SIGMOID -> new LossGhmc(GhmcConfig.mmdetection());
            case SOFTMAX -> new LossGhmCategorical(CategoricalConfig.harmonizedCategorical());
            case REGRESSION -> new LossGhmr(GhmrConfig.builder().momentum(0.7).mu(0.02).build());
        };
    }

    static Activation activationFor(Task task) {
        return switch (task) {
            case SIGMOID -> Activation.SIGMOID;
            case SOFTMAX -> Activation.SOFTMAX;
            case REGRESSION -> Activation.IDENTITY;
        };
    }

    // ---- networks ----

    static NeuralNetConfiguration.ListBuilder base(DataType type, boolean miniBatch) {
        return new NeuralNetConfiguration.Builder().seed(12345).dataType(type).miniBatch(miniBatch)
                .updater(new Adam(0.02)).weightInit(WeightInit.XAVIER).list();
    }

    static MultiLayerNetwork outputLayerNet(Task task, DataType type, boolean miniBatch) {
        MultiLayerConfiguration conf = base(type, miniBatch)
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().lossFunction(lossFor(task)).nIn(12).nOut(CLASSES)
                        .activation(activationFor(task)).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static MultiLayerNetwork lossLayerNet(Task task, DataType type) {
        MultiLayerConfiguration conf = base(type, true)
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(12).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(12).nOut(CLASSES).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder().lossFunction(lossFor(task)).activation(activationFor(task)).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static MultiLayerNetwork convNet(Task task, DataType type, boolean miniBatch) {
        MultiLayerConfiguration conf = base(type, miniBatch)
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(CLASSES).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(new CnnLossLayer.Builder().lossFunction(lossFor(task)).activation(activationFor(task)).build())
                .setInputType(InputType.convolutional(4, 4, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static GhmLossFunction ghm(MultiLayerNetwork net) {
        var layer = net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o) {
            return (GhmLossFunction) o.getLossFn();
        }
        if (layer instanceof LossLayer l) {
            return (GhmLossFunction) l.getLossFn();
        }
        return (GhmLossFunction) ((CnnLossLayer) layer).getLossFn();
    }

    // ---- training ----

    /** Trains 60 iterations; returns {score at start, score at end}, both PREVIEW scores on the same batch. */
    static double[] train(MultiLayerNetwork net, DataSet data) {
        net.fit(data);
        double start = net.score(data);
        for (int i = 0; i < 60; i++) {
            net.fit(data);
        }
        return new double[] {start, net.score(data)};
    }

    static void assertDecreases(String what, double[] scores) {
        assertTrue(scores[1] < 0.7 * scores[0], what + ": loss should decrease by 30%: " + scores[0] + " -> " + scores[1]);
    }

    @Test
    void outputLayerTrainsWithEachAdapter() {
        for (Task task : Task.values()) {
            MultiLayerNetwork net = outputLayerNet(task, DataType.FLOAT, true);
            assertDecreases("OutputLayer " + task, train(net, dense(task, 256, 1, DataType.FLOAT)));
        }
    }

    @Test
    void lossLayerTrainsWithEachAdapter() {
        for (Task task : Task.values()) {
            MultiLayerNetwork net = lossLayerNet(task, DataType.FLOAT);
            assertDecreases("LossLayer " + task, train(net, dense(task, 256, 2, DataType.FLOAT)));
        }
    }

    @Test
    void cnnLossLayerTrainsWithEachAdapter() {
        for (Task task : Task.values()) {
            MultiLayerNetwork net = convNet(task, DataType.FLOAT, true);
            assertDecreases("CnnLossLayer " + task, train(net, images(task, 16, 3, DataType.FLOAT)));
        }
    }

    @Test
    void stateAdvancesOncePerIterationAndNotWhenScoring() {
        MultiLayerNetwork net = outputLayerNet(Task.SIGMOID, DataType.FLOAT, true);
        DataSet data = dense(Task.SIGMOID, 64, 4, DataType.FLOAT);
        GhmLossFunction loss = ghm(net);
        net.fit(data);
        net.fit(data);
        DensityState afterTwo = loss.snapshot();
        assertEquals(2, afterTwo.steps());
        net.score(data);
        net.score(data, true);
        net.output(data.getFeatures());
        net.scoreExamples(data, false);
        assertEquals(afterTwo, loss.snapshot(), "scoring must not move the state");
        net.fit(data);
        assertEquals(3, loss.snapshot().steps());
    }

    @Test
    void scoreAfterTheGradientOfAnIterationIsTheCommittedCallsScore() {
        Nd4j.getRandom().setSeed(11);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 32, CLASSES).gt(0.8).castTo(DataType.DOUBLE);
        INDArray pre = Nd4j.randn(DataType.DOUBLE, 32, CLASSES);
        var sigmoid = Activation.SIGMOID.getActivationFunction();
        LossGhmc loss = new LossGhmc();
        loss.computeGradient(labels, Nd4j.randn(DataType.DOUBLE, 32, CLASSES), sigmoid, null);
        DensityState before = loss.snapshot();
        double committed = loss.computeGradientAndScore(labels, pre, sigmoid, null, false).getFirst();
        DensityState after = loss.snapshot();
        assertNotEquals(before, after);
        // DL4J's order in fit(): computeGradient, then computeScore on a recomputed (equal) preOutput
        assertEquals(committed, loss.computeScore(labels, pre.dup(), sigmoid, null, false), 0.0);
        assertEquals(committed / 32, loss.computeScore(labels, pre.dup(), sigmoid, null, true), 0.0);
        // any other batch is a preview with the current state
        double other = loss.computeScore(labels.dup(), pre.dup(), sigmoid, null, false);
        LossGhmc fresh = new LossGhmc();
        fresh.restore(after);
        assertEquals(fresh.computeScore(labels, pre, sigmoid, null, false), other, 0.0);
        assertNotEquals(committed, other);
        assertEquals(after, loss.snapshot(), "scores never move the state");
        // the per-example scores add up to the score
        INDArray perExample = loss.computeScoreArray(labels, pre, sigmoid, null);
        assertEquals(32, perExample.size(0));
        assertEquals(other, perExample.sumNumber().doubleValue(), 1e-12 * Math.abs(other));
    }

    @Test
    void perExampleAndPerOutputMasksAreLabelWeights() {
        Nd4j.getRandom().setSeed(12);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 10, CLASSES).gt(0.7).castTo(DataType.DOUBLE);
        INDArray pre = Nd4j.randn(DataType.DOUBLE, 10, CLASSES);
        var sigmoid = Activation.SIGMOID.getActivationFunction();
        INDArray rowMask = Nd4j.ones(DataType.DOUBLE, 10, 1);
        rowMask.putScalar(3, 0, 0.0);
        INDArray outMask = Nd4j.ones(DataType.DOUBLE, 10, CLASSES);
        outMask.getRow(3).assign(0.0);
        LossGhmc a = new LossGhmc(GhmcConfig.builder().momentum(0).build());
        INDArray ga = a.computeGradient(labels, pre, sigmoid, rowMask);
        INDArray gb = a.computeGradient(labels, pre, sigmoid, outMask);
        assertEquals(ga, gb);
        assertEquals(0.0, ga.getRow(3).amaxNumber().doubleValue(), 0.0, "masked example gets no gradient");
        assertTrue(ga.getRow(2).amaxNumber().doubleValue() > 0);
        assertEquals(a.computeScore(labels, pre, sigmoid, rowMask, false),
                a.computeScore(labels, pre, sigmoid, outMask, false), 0.0);
        LossGhmCategorical c = new LossGhmCategorical();
        var softmax = Activation.SOFTMAX.getActivationFunction();
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, 10, CLASSES);
        for (int r = 0; r < 10; r++) {
            oneHot.putScalar(r, r % CLASSES, 1.0);
        }
        assertEquals(c.computeScore(oneHot, pre, softmax, rowMask, false),
                c.computeScore(oneHot, pre, softmax, outMask, false), 0.0);
        INDArray ragged = outMask.dup();
        ragged.putScalar(5, 1, 0.0);
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.ghm4j.api.error.InvalidInputException.class,
                () -> c.computeScore(oneHot, pre, softmax, ragged, false));
        assertTrue(e.getMessage().startsWith("[GHM-INPUT-SHAPE] mask has shape [10, 4]"), e.getMessage());
    }

    // ---- gradient check ----

    @Test
    void backpropagatedGradientMatchesFiniteDifferences() {
        for (Task task : Task.values()) {
            checkGradient("OutputLayer " + task, outputLayerNet(task, DataType.DOUBLE, false),
                    dense(task, 24, 5, DataType.DOUBLE), 1);
            // CnnLossLayer divides its score by the minibatch size even with miniBatch(false); its gradient is not
            checkGradient("CnnLossLayer " + task, convNet(task, DataType.DOUBLE, false),
                    images(task, 3, 6, DataType.DOUBLE), 3);
        }
    }

    @Test
    void seedCategoricalThroughSoftmaxBackpropMatchesFiniteDifferences() {
        MultiLayerConfiguration conf = base(DataType.DOUBLE, false)
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().lossFunction(new LossGhmCategorical(CategoricalConfig.seedCategorical()))
                        .nIn(12).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        checkGradient("OutputLayer seed-categorical (probabilities through softmax)", net,
                dense(Task.SOFTMAX, 24, 13, DataType.DOUBLE), 1);
    }

    @Test
    void javaSerializationKeepsTheState() throws Exception {
        LossGhmr loss = new LossGhmr(GhmrConfig.retinanet());
        Nd4j.getRandom().setSeed(21);
        INDArray labels = Nd4j.randn(DataType.FLOAT, 16, 4).muli(0.1);
        var identity = Activation.IDENTITY.getActivationFunction();
        loss.computeGradient(labels, Nd4j.randn(DataType.FLOAT, 16, 4).muli(0.1), identity, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(loss);
        }
        LossGhmr back;
        try (var in = new java.io.ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LossGhmr) in.readObject();
        }
        assertEquals(loss.config(), back.config());
        assertEquals(loss.snapshot(), back.snapshot());
        INDArray pre = Nd4j.randn(DataType.FLOAT, 16, 4).muli(0.1);
        assertEquals(loss.computeGradient(labels, pre, identity, null), back.computeGradient(labels, pre, identity, null));
    }

    static void checkGradient(String what, MultiLayerNetwork net, DataSet data, int scoreDivisor) {
        // move the state away from zero first so that the check sees momentum at work
        net.fit(data);
        net.fit(data);
        GhmLossFunction loss = ghm(net);
        DensityState before = loss.snapshot();
        net.setInput(data.getFeatures());
        net.setLabels(data.getLabels());
        net.computeGradientAndScore();
        INDArray analytic = net.gradient().gradient().dup();
        loss.restore(before);
        INDArray params = net.params();
        double h = 1e-6;
        int checked = 0;
        double maxAbs = analytic.amaxNumber().doubleValue();
        for (long j = 0; j < params.length(); j += Math.max(1, params.length() / 40)) {
            double p = params.getDouble(j);
            params.putScalar(j, p + h);
            double up = net.score(data, true);
            params.putScalar(j, p - h);
            double down = net.score(data, true);
            params.putScalar(j, p);
            double numeric = (up - down) / (2 * h) * scoreDivisor;
            double a = analytic.getDouble(j);
            assertTrue(Math.abs(numeric - a) <= 1e-6 * maxAbs + 1e-4 * Math.abs(a),
                    what + ": d score / d param " + j + " analytic " + a + " numeric " + numeric);
            checked++;
        }
        assertEquals(before, loss.snapshot(), what + ": the check's scores must not move the state");
        assertTrue(checked >= 10, what + " checked " + checked + " parameters");
    }

    // ---- serialization ----

    @Test
    void jsonConfigurationCarriesSettingsAndState() {
        MultiLayerNetwork net = outputLayerNet(Task.SOFTMAX, DataType.FLOAT, true);
        DataSet data = dense(Task.SOFTMAX, 64, 8, DataType.FLOAT);
        net.fit(data);
        net.fit(data);
        String json = net.getLayerWiseConfigurations().toJson();
        assertTrue(json.contains("LossGhmCategorical") && json.contains("\"state\""), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        var lossBack = (GhmLossFunction) ((OutputLayer) back.getConf(1).getLayer()).getLossFn();
        assertEquals(ghm(net).config(), lossBack.config());
        assertEquals(ghm(net).snapshot(), lossBack.snapshot());
        assertEquals(ghm(net), lossBack);
    }

    @Test
    void modelSerializerRoundTripContinuesBitIdentically() throws IOException {
        for (Task task : Task.values()) {
            for (boolean conv : new boolean[] {false, true}) {
                MultiLayerNetwork a = conv ? convNet(task, DataType.FLOAT, true) : outputLayerNet(task, DataType.FLOAT, true);
                DataSet data = conv ? images(task, 8, 9, DataType.FLOAT) : dense(task, 128, 9, DataType.FLOAT);
                for (int i = 0; i < 5; i++) {
                    a.fit(data);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ModelSerializer.writeModel(a, bytes, true);
                MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
                assertEquals(ghm(a).snapshot(), ghm(b).snapshot(), task + " conv=" + conv + ": restored state");
                assertNotEquals(0, ghm(b).snapshot().steps());
                for (int i = 0; i < 5; i++) {
                    DataSet next = conv ? images(task, 8, 100 + i, DataType.FLOAT) : dense(task, 128, 100 + i, DataType.FLOAT);
                    a.fit(next);
                    b.fit(next);
                }
                assertEquals(a.params(), b.params(), task + " conv=" + conv + ": parameters after resuming");
                assertEquals(ghm(a).snapshot(), ghm(b).snapshot(), task + " conv=" + conv + ": state after resuming");
                assertEquals(a.score(), b.score(), 0.0, task + " conv=" + conv + ": score after resuming");
            }
        }
    }
}
