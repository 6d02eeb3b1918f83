package org.ghm4j.cli.train;

import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.ghm4j.detection.anchor.AnchorConfig;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.assign.AssignerConfig;
import org.ghm4j.detection.coder.DeltaXYWHBBoxCoder;
import org.ghm4j.detection.target.TargetConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A small RetinaNet-style detector as a DL4J {@link ComputationGraph}, and the map between its
 * outputs and ghm-detection's anchor order.
 *
 * <h2>Network</h2>
 * Input [N, 3, S, S]. Backbone of 3x3 convolutions (same padding) + batch normalisation + ReLU with output channels
 * 16 (stride 2), 24 (stride 2), 32, 48 (stride 2) = C3, 64 (stride 2) = C4, 96 (stride 2) = C5, so
 * C3..C5 have strides 8, 16, 32. FPN: 1x1 laterals to F = 48 channels, top-down nearest upsampling and sums,
 * a 3x3 smoothing convolution per level: P3, P4, P5. Head per level (RetinaNet's, with one tower
 * convolution instead of four and unshared weights): class branch 3x3 F ReLU then 3x3 A*K logits
 * (bias -log((1 - 0.01) / 0.01), the RetinaNet prior), box branch 3x3 F ReLU then 3x3 A*4 deltas;
 * final convolutions initialised N(0, 0.01).
 *
 * <h2>Outputs</h2>
 * Each level's [N, A*K, H, W] logits are flattened in C order to [N, A*K*H*W] and the levels
 * concatenated: output {@code cls} [N, E_cls] of a {@code LossLayer} (identity activation, so the
 * output is the logits) whose loss sees all levels in one call, as mmdetection's GHM-C sees one
 * shared state and the focal loss one {@code avg_factor}. Output {@code box} [N, E_box] likewise with
 * the deltas. Element (anchor j, class k) of ghm-detection's grid (level l, location y, x, base
 * anchor a; j = start_l + (y W + x) A + a) is at column {@link #clsColumn}; delta c of anchor j at
 * {@link #boxColumn}.
 *
 * <h2>Anchors and targets</h2>
 * {@link #targetConfig()}: strides 8, 16, 32, ratios 0.5, 1, 2, octave base scale 1.5 with 2 scales
 * per octave (A = 6; base sizes 12, 17 / 24, 34 / 48, 68 pixels, fitting the 5..32 pixel objects of
 * 64-pixel images), RetinaNet's max-IoU assigner (0.5 / 0.4, low-quality matches) and its box coder.
 *
 * <h2>Training</h2>
 * Adam (learning rate 2e-3 in ghm train), the rate divided by 10 for the last quarter of the iterations; gradients
 * clipped per layer to L2 norm 35 (RetinaNet's grad clip of 35).
 */
public final class DetectorModel {
    /** Channels of the FPN levels and heads. */
    static final int FPN = 48;
    /** Anchor strides of P3, P4, P5. */
    static final int[] STRIDES = {8, 16, 32};
    /** RetinaNet's prior probability for the class bias. */
    static final double PRIOR = 0.01;

    private final int imageSize;
    private final int numClasses;
    private final TargetConfig targetConfig;
    private final int[] clsBase;
    private final int[] boxBase;
    private final int[] plane;
    private final int clsWidth;
    private final int boxWidth;
    private final AnchorGrid grid;

    /**
     * @param imageSize  S, a multiple of 32
     * @param numClasses K
     */
    public DetectorModel(int imageSize, int numClasses) {
        if (imageSize % 32 != 0 || imageSize < 32) {
            throw new IllegalArgumentException("imageSize must be a positive multiple of 32, got " + imageSize);
        }
        this.imageSize = imageSize;
        this.numClasses = numClasses;
        AnchorConfig anchors = new AnchorConfig(STRIDES, new double[] {0.5, 1.0, 2.0}, 1.5, 2, 0.0);
        this.targetConfig = new TargetConfig(numClasses, anchors, AssignerConfig.retinanet(),
                DeltaXYWHBBoxCoder.retinanet(), -1, -1.0);
        this.grid = new org.ghm4j.detection.anchor.AnchorGenerator(anchors).grid(imageSize, imageSize);
        int a = anchors.numBaseAnchors();
        int total = grid.totalAnchors();
        clsBase = new int[total];
        boxBase = new int[total];
        plane = new int[total];
        int clsOff = 0;
        int boxOff = 0;
        for (int l = 0; l < grid.numLevels(); l++) {
            int h = grid.featmapSize(l)[0];
            int w = grid.featmapSize(l)[1];
            int start = grid.levelStart(l);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < a; b++) {
                        int j = start + (y * w + x) * a + b;
                        clsBase[j] = clsOff + (b * numClasses * h + y) * w + x;
                        boxBase[j] = boxOff + (b * 4 * h + y) * w + x;
                        plane[j] = h * w;
                    }
                }
            }
            clsOff += a * numClasses * h * w;
            boxOff += a * 4 * h * w;
        }
        clsWidth = clsOff;
        boxWidth = boxOff;
    }

    public int imageSize() {
        return imageSize;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The anchors, assigner and coder the targets are built with. */
    public TargetConfig targetConfig() {
        return targetConfig;
    }

    /** The anchors of an S x S batch. */
    public AnchorGrid grid() {
        return grid;
    }

    /** E_cls, the width of the {@code cls} output. */
    public int clsWidth() {
        return clsWidth;
    }

    /** E_box, the width of the {@code box} output. */
    public int boxWidth() {
        return boxWidth;
    }

    /** Column of (grid anchor j, class k) in the {@code cls} output. */
    public int clsColumn(int j, int k) {
        return clsBase[j] + k * plane[j];
    }

    /** Column of (grid anchor j, delta c) in the {@code box} output. */
    public int boxColumn(int j, int c) {
        return boxBase[j] + c * plane[j];
    }

    /**
     * The untrained network.
     *
     * @param clsLoss    loss of the {@code cls} output (on logits)
     * @param boxLoss    loss of the {@code box} output (on deltas)
     * @param iterations planned iterations (for the learning-rate drop)
     * @param learningRate Adam's learning rate, divided by 10 for the last quarter of the iterations
     * @param seed       weight initialisation seed
     */
    public ComputationGraph build(ILossFunction clsLoss, ILossFunction boxLoss, int iterations, double learningRate,
                                  long seed) {
        Map<Integer, Double> lr = new HashMap<>();
        lr.put(0, learningRate);
        lr.put(Math.max(1, iterations * 3 / 4), learningRate / 10);
        int a = targetConfig.anchors().numBaseAnchors();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(new MapSchedule(ScheduleType.ITERATION, lr)))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(35.0)
                .graphBuilder()
                .addInputs("image");
        convBn(g, "c1", 3, 16, 2, "image");
        convBn(g, "c2", 16, 24, 2, "c1");
        convBn(g, "c3", 24, 32, 1, "c2");
        convBn(g, "C3", 32, 48, 2, "c3");
        convBn(g, "C4", 48, 64, 2, "C3");
        convBn(g, "C5", 64, 96, 2, "C4");
        g.addLayer("lat5", linear(96, FPN, 1), "C5");
        g.addLayer("lat4", linear(64, FPN, 1), "C4");
        g.addLayer("lat3", linear(48, FPN, 1), "C3");
        g.addLayer("up5", new Upsampling2D.Builder(2).build(), "lat5");
        g.addVertex("sum4", new ElementWiseVertex(ElementWiseVertex.Op.Add), "lat4", "up5");
        g.addLayer("up4", new Upsampling2D.Builder(2).build(), "sum4");
        g.addVertex("sum3", new ElementWiseVertex(ElementWiseVertex.Op.Add), "lat3", "up4");
        String[] levels = {"sum3", "sum4", "lat5"};
        String[] cls = new String[levels.length];
        String[] box = new String[levels.length];
        for (int l = 0; l < levels.length; l++) {
            int side = imageSize / STRIDES[l];
            String p = "P" + (l + 3);
            g.addLayer(p, linear(FPN, FPN, 3), levels[l]);
            conv(g, p + "_clsTower", FPN, FPN, 1, p);
            conv(g, p + "_boxTower", FPN, FPN, 1, p);
            g.addLayer(p + "_cls", new ConvolutionLayer.Builder(3, 3).nIn(FPN).nOut(a * numClasses)
                    .activation(Activation.IDENTITY).weightInit(new NormalDistribution(0, 0.01))
                    .biasInit(-Math.log((1 - PRIOR) / PRIOR)).build(), p + "_clsTower");
            g.addLayer(p + "_box", new ConvolutionLayer.Builder(3, 3).nIn(FPN).nOut(a * 4)
                    .activation(Activation.IDENTITY).weightInit(new NormalDistribution(0, 0.01)).build(),
                    p + "_boxTower");
            g.addVertex(p + "_clsFlat", new ReshapeVertex(-1, a * numClasses * side * side), p + "_cls");
            g.addVertex(p + "_boxFlat", new ReshapeVertex(-1, a * 4 * side * side), p + "_box");
            cls[l] = p + "_clsFlat";
            box[l] = p + "_boxFlat";
        }
        g.addVertex("clsAll", new MergeVertex(), cls);
        g.addVertex("boxAll", new MergeVertex(), box);
        g.addLayer("cls", new LossLayer.Builder(clsLoss).activation(Activation.IDENTITY).build(), "clsAll");
        g.addLayer("box", new LossLayer.Builder(boxLoss).activation(Activation.IDENTITY).build(), "boxAll");
        g.setOutputs("cls", "box");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static void conv(ComputationGraphConfiguration.GraphBuilder g, String name, int in, int out, int stride,
                             String input) {
        g.addLayer(name, new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nIn(in).nOut(out)
                .activation(Activation.RELU).build(), input);
    }

    /** 3x3 convolution (no bias), batch normalisation, ReLU; the output vertex is {@code name}. */
    private static void convBn(ComputationGraphConfiguration.GraphBuilder g, String name, int in, int out, int stride,
                               String input) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nIn(in).nOut(out)
                .hasBias(false).activation(Activation.IDENTITY).build(), input);
        g.addLayer(name, new BatchNormalization.Builder().nIn(out).nOut(out).activation(Activation.RELU).build(),
                name + "_conv");
    }

    private static ConvolutionLayer linear(int in, int out, int kernel) {
        return new ConvolutionLayer.Builder(kernel, kernel).nIn(in).nOut(out).activation(Activation.IDENTITY).build();
    }
}
