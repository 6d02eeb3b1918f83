package org.ghm4j.backend.nd4j.dl4j;

import org.ghm4j.api.config.CategoricalConfig;
import org.ghm4j.api.config.CategoricalMode;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Categorical (softmax) GHM-C (GHM-3) as a DL4J loss function; labels are one-hot (or soft) rows.
 *
 * <p>With logits input (the default, harmonized mode) use {@code Activation.SOFTMAX} on the layer:
 * the pre-activation z is taken as the logits and the gradient dL/dz is GHM-3.4's. With
 * probabilities input (e.g. {@link CategoricalConfig#seedCategorical()}) and softmax, the softmax
 * output is the loss's input and the gradient goes through the softmax's backprop (D-4). Masks
 * must be per example ([N, 1]): a softmax row is masked as a whole.
 *
 * <p>See {@link GhmLossFunction} for the state, masks, scale and serialization.
 */
public class LossGhmCategorical extends GhmLossFunction {
    private static final long serialVersionUID = 1L;

    @JsonProperty("bins")
    private int bins;
    @JsonProperty("momentum")
    private double momentum;
    @JsonProperty("mode")
    private CategoricalMode mode;
    @JsonProperty("input")
    private InputKind input;
    @JsonProperty("epsilon")
    private double epsilon;
    @JsonProperty("lossWeight")
    private double lossWeight;
    @JsonProperty("reduction")
    private Reduction reduction;

    /** Harmonized categorical GHM-C from logits ({@link CategoricalConfig#harmonizedCategorical()}). */
    public LossGhmCategorical() {
        this(CategoricalConfig.harmonizedCategorical());
    }

    public LossGhmCategorical(CategoricalConfig config) {
        bins = config.bins();
        momentum = config.momentum();
        mode = config.mode();
        input = config.input();
        epsilon = config.epsilon();
        lossWeight = config.lossWeight();
        reduction = config.reduction();
    }

    @Override
    @JsonIgnore
    public CategoricalConfig config() {
        return new CategoricalConfig(bins, momentum, mode, input, epsilon, lossWeight, reduction);
    }

    @Override
    protected LossConfig noneConfig() {
        return config().toBuilder().reduction(Reduction.NONE).build();
    }

    @Override
    protected boolean isSeedMode() {
        return mode == CategoricalMode.SEED;
    }

    @Override
    protected boolean preOutputIsInput(IActivation activation) {
        return input == InputKind.LOGITS && activation instanceof ActivationSoftmax;
    }

    @Override
    protected LossInput input(INDArray labels, INDArray pred, INDArray mask) {
        return Masks.rows(labels, pred, mask);
    }

    @Override
    protected INDArray perExample(INDArray elementLoss) {
        return elementLoss.dup();
    }

    @Override
    public String toString() {
        return "LossGhmCategorical(bins=" + bins + ", momentum=" + momentum + ", mode=" + mode + ", input=" + input
                + ", epsilon=" + epsilon + ", lossWeight=" + lossWeight + ", reduction=" + reduction + ")";
    }
}
