package org.ghm4j.backend.nd4j.dl4j;

import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.loss.LossInput;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * GHM-R with the Authentic Smooth L1 loss (GHM-4) as a DL4J loss function: labels are the target
 * deltas, the layer's output the predicted deltas (use {@code Activation.IDENTITY}; another
 * activation's output is taken as the prediction and the gradient goes through its backprop).
 * Usually a per-output or per-example mask selects the positive anchors.
 *
 * <p>See {@link GhmLossFunction} for the state, masks, scale and serialization.
 */
public class LossGhmr extends GhmLossFunction {
    private static final long serialVersionUID = 1L;

    @JsonProperty("mu")
    private double mu;
    @JsonProperty("bins")
    private int bins;
    @JsonProperty("momentum")
    private double momentum;
    @JsonProperty("lossWeight")
    private double lossWeight;
    @JsonProperty("reduction")
    private Reduction reduction;

    /** mmdetection's class defaults ({@link GhmrConfig#mmdetection()}). */
    public LossGhmr() {
        this(GhmrConfig.mmdetection());
    }

    public LossGhmr(GhmrConfig config) {
        mu = config.mu();
        bins = config.bins();
        momentum = config.momentum();
        lossWeight = config.lossWeight();
        reduction = config.reduction();
    }

    @Override
    @JsonIgnore
    public GhmrConfig config() {
        return new GhmrConfig(mu, bins, momentum, lossWeight, reduction);
    }

    @Override
    protected LossConfig noneConfig() {
        return config().toBuilder().reduction(Reduction.NONE).build();
    }

    @Override
    protected boolean preOutputIsInput(IActivation activation) {
        return activation instanceof ActivationIdentity;
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
        return "LossGhmr(mu=" + mu + ", bins=" + bins + ", momentum=" + momentum + ", lossWeight=" + lossWeight
                + ", reduction=" + reduction + ")";
    }
}
