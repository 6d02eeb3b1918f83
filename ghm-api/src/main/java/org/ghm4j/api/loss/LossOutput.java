package org.ghm4j.api.loss;

import java.util.function.Function;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.tensor.Tensor;

/**
 * Where a loss call puts its results: the scalar loss, the gradient with respect to {@code pred},
 * optionally the per-element weights beta and (with {@code Reduction.NONE}) the per-element losses,
 * and the call's {@link BinStats}. Reuse one instance across calls: buffers the backend allocates
 * are kept while the shape stays the same, and buffers the caller supplies are written in place.
 * A kept buffer is reused by shape, so use one instance per input dtype and per backend.
 * Not thread-safe: one per concurrent caller.
 */
public final class LossOutput {
    private Tensor gradient;
    private boolean gradientSupplied;
    private boolean gradientWanted = true;
    private Tensor weights;
    private boolean weightsSupplied;
    private boolean weightsWanted;
    private Tensor elementLoss;
    private boolean elementLossSupplied;
    private final BinStats stats = new BinStats();
    private double loss;

    /** Write the gradient into {@code buffer} (the shape of pred). */
    public LossOutput gradientInto(Tensor buffer) {
        gradient = buffer;
        gradientSupplied = buffer != null;
        gradientWanted = true;
        return this;
    }

    /** Skip the gradient (forward only). */
    public LossOutput withoutGradient() {
        gradientWanted = false;
        gradient = null;
        gradientSupplied = false;
        return this;
    }

    /** Also return the weights beta (the shape of pred), in a buffer the backend allocates. */
    public LossOutput withWeights() {
        weightsWanted = true;
        return this;
    }

    /** Also return the weights beta, written into {@code buffer} (the shape of pred). */
    public LossOutput weightsInto(Tensor buffer) {
        weights = buffer;
        weightsSupplied = buffer != null;
        weightsWanted = buffer != null;
        return this;
    }

    /** With {@code Reduction.NONE}: write the per-element losses into {@code buffer}. */
    public LossOutput elementLossInto(Tensor buffer) {
        elementLoss = buffer;
        elementLossSupplied = buffer != null;
        return this;
    }

    /** The scalar loss of the last call (with NONE: the sum of the element values). */
    public double loss() {
        return loss;
    }

    /** dLoss/dpred of the last call, or null when skipped. */
    public Tensor gradient() {
        return gradientWanted ? gradient : null;
    }

    /** beta of the last call, or null unless requested. */
    public Tensor weights() {
        return weightsWanted ? weights : null;
    }

    /** Per-element (categorical: per-row) losses of the last {@code Reduction.NONE} call, else null. */
    public Tensor elementLoss() {
        return elementLoss;
    }

    public BinStats stats() {
        return stats;
    }

    // ---- for backends ----

    public boolean wantsGradient() {
        return gradientWanted;
    }

    public boolean wantsWeights() {
        return weightsWanted;
    }

    /** The gradient buffer for {@code shape}: the supplied one (checked), the kept one, or a new one from {@code factory}. */
    public Tensor gradientBuffer(int[] shape, Function<int[], Tensor> factory) {
        gradient = buffer("gradient output", gradient, gradientSupplied, shape, factory);
        return gradient;
    }

    /** The weights buffer for {@code shape}, as {@link #gradientBuffer}. */
    public Tensor weightsBuffer(int[] shape, Function<int[], Tensor> factory) {
        weights = buffer("weights output", weights, weightsSupplied, shape, factory);
        return weights;
    }

    /** The element-loss buffer for {@code shape}, as {@link #gradientBuffer}. */
    public Tensor elementLossBuffer(int[] shape, Function<int[], Tensor> factory) {
        elementLoss = buffer("elementLoss output", elementLoss, elementLossSupplied, shape, factory);
        return elementLoss;
    }

    /** Forgets a backend-allocated element-loss buffer (the call's reduction is not NONE). */
    public void clearElementLoss() {
        if (!elementLossSupplied) {
            elementLoss = null;
        }
    }

    public void setLoss(double value) {
        loss = value;
    }

    private static Tensor buffer(String name, Tensor current, boolean supplied, int[] shape,
                                 Function<int[], Tensor> factory) {
        if (current != null && current.hasShape(shape)) {
            return current;
        }
        if (supplied) {
            throw InputErrors.shape(name, current.shape(), "pred", shape.clone(),
                    "a supplied output must have the shape of the result");
        }
        return factory.apply(shape.clone());
    }
}
