package org.ghm4j.backend.nd4j.dl4j;

import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * GHM-C with sigmoid cross-entropy (GHM-2) as a DL4J loss function, for {@code OutputLayer},
 * {@code LossLayer} and {@code CnnLossLayer} ([batch*h*w, classes]). Labels are targets in [0, 1].
 *
 * <p>With logits input (the default) use {@code Activation.SIGMOID} on the layer: then the layer's
 * pre-activation z is taken as the logits, the network outputs probabilities, and the gradient
 * dL/dz is GHM-2.5's exactly. With {@code Activation.IDENTITY} the output (= z) is the logits as
 * well. With any other activation f, f(z) is taken as the logits (or as the probabilities with
 * {@link InputKind#PROBABILITIES}) and the gradient goes through f's backprop.
 *
 * <p>See {@link GhmLossFunction} for the state, masks, scale and serialization.
 */
public class LossGhmc extends GhmLossFunction {
    private static final long serialVersionUID = 1L;

    @JsonProperty("bins")
    private int bins;
    @JsonProperty("momentum")
    private double momentum;
    @JsonProperty("lossWeight")
    private double lossWeight;
    @JsonProperty("reduction")
    private Reduction reduction;
    @JsonProperty("input")
    private InputKind input;

    /** mmdetection's settings ({@link GhmcConfig#mmdetection()}). */
    public LossGhmc() {
        this(GhmcConfig.mmdetection());
    }

    public LossGhmc(GhmcConfig config) {
        bins = config.bins();
        momentum = config.momentum();
        lossWeight = config.lossWeight();
        reduction = config.reduction();
        input = config.input();
    }

    @Override
    @JsonIgnore
    public GhmcConfig config() {
        return new GhmcConfig(bins, momentum, lossWeight, reduction, input);
    }

    @Override
    protected LossConfig noneConfig() {
        return config().toBuilder().reduction(Reduction.NONE).build();
    }

    @Override
    protected boolean preOutputIsInput(IActivation activation) {
        return input == InputKind.LOGITS && activation instanceof ActivationSigmoid;
    }

    @Override
    protected LossInput input(INDArray labels, INDArray pred, INDArray mask) {
        return Masks.elementwise(labels, pred, mask);
    }

    @Override
    protected INDArray perExample(INDArray elementLoss) {
        return elementLoss.sum(1);
    }

    @Override
    public String toString() {
        return "LossGhmc(bins=" + bins + ", momentum=" + momentum + ", lossWeight=" + lossWeight + ", reduction="
                + reduction + ", input=" + input + ")";
    }
}
