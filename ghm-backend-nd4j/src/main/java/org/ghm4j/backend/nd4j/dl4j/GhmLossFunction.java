package org.ghm4j.backend.nd4j.dl4j;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Base64;

import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;
import org.ghm4j.api.error.InvalidConfigException;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.backend.nd4j.Nd4jBackend;
import org.ghm4j.backend.nd4j.Nd4jTensor;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * What the three DL4J adapters share: a GHM loss of the ND4J backend behind DL4J's
 * {@link ILossFunction}, its EMA state, and the state's place in DL4J's JSON configuration.
 *
 * <h2>Scores, gradients and the state</h2>
 * DL4J asks for the score and the gradient in separate calls. The state advances once per training
 * iteration: only {@link #computeGradient} and {@link #computeGradientAndScore} commit (GHM-1.5);
 * {@link #computeScore} and {@link #computeScoreArray} (scoring, evaluation, early stopping) compute
 * what a commit would give without moving it ({@link StateUpdate#PREVIEW}). In a training iteration
 * DL4J calls {@code computeGradient} and then {@code computeScore} on the same batch (with a
 * recomputed, equal preOutput); that score is the committed call's own, computed with the state
 * the gradient saw, not a preview with the state already moved by it.
 *
 * <h2>Scale</h2>
 * With {@code average = false} the score is the GHM loss of the configured reduction (MEAN:
 * lossWeight * sum_i beta_i l_i / tot); DL4J then divides the score and the gradient by the
 * minibatch size, as it does for its own losses. {@link #computeScoreArray} returns one value per
 * example, [N, 1], summing to that score.
 *
 * <h2>Masks</h2>
 * DL4J's per-example masks ([N, 1]) and per-output masks ([N, C], the labels' shape) are passed as
 * GHM label weights: an element with mask 0 is invalid (GHM-1.3), gets no weight and no gradient.
 *
 * <h2>Activation</h2>
 * {@code preOutput} is z, the layer's output before its activation. Subclasses say when z itself is
 * the loss's input (sigmoid for GHM-C logits, softmax for categorical logits, identity for GHM-R);
 * otherwise the loss's input is the activation's output a = f(z) and the gradient returned is
 * dL/dz = f'(z)^T dL/da, through {@link IActivation#backprop}.
 *
 * <h2>Serialization</h2>
 * The settings and the state (base64 of {@link DensityState#toBytes()}, property {@code state}) are
 * part of the JSON of the network configuration, so a network saved with {@code ModelSerializer}
 * and restored continues with the same state, bit for bit (GHM-5.2). Java serialization keeps the
 * state too.
 *
 * <h2>Threads</h2>
 * All adapters in a JVM compute on one shared ND4J backend, created on first use with one kernel
 * thread per available processor. The system property {@code ghm.nd4j.threads} (a positive integer,
 * read when the shared backend is created) sets another count, e.g. {@code -Dghm.nd4j.threads=1}
 * when several training processes share a machine; any other value is refused with an
 * {@link InvalidConfigException} (GHM-CONFIG-INVALID) naming the property and the value. Results do
 * not depend on the count (GHM-7.5).
 *
 * <p>Not thread-safe beyond what DL4J needs: calls on one instance are serialized.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class GhmLossFunction implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @JsonIgnore
    private transient HarmonizedLoss loss;
    @JsonIgnore
    private transient HarmonizedLoss perExample;
    @JsonIgnore
    private transient LossOutput trainOutput;
    @JsonIgnore
    private transient LossOutput scoreOutput;
    @JsonIgnore
    private transient LossOutput exampleOutput;
    /** The last committed call: its labels and mask (identity), a copy of its preOutput, score and state after. */
    @JsonIgnore
    private transient INDArray committedLabels;
    @JsonIgnore
    private transient INDArray committedMask;
    @JsonIgnore
    private transient INDArray committedPreOutput;
    @JsonIgnore
    private transient double committedScore;
    @JsonIgnore
    private transient DensityState committedState;
    /** State read from JSON or Java serialization, restored when the loss is first created. */
    @JsonIgnore
    private byte[] pendingState;

    /** The settings of the GHM loss. */
    public abstract LossConfig config();

    /** True when {@code preOutput} itself is the loss's input for this activation. */
    protected abstract boolean preOutputIsInput(IActivation activation);

    /** The loss input for labels, the loss's prediction input and the DL4J mask (may be null). */
    protected abstract LossInput input(INDArray labels, INDArray pred, INDArray mask);

    /** Per-example values [N] from the element losses of a {@link Reduction#NONE} call. */
    protected abstract INDArray perExample(INDArray elementLoss);

    /** Divisor that turns NONE values into this reduction's per-example share. */
    private double exampleDivisor(LossOutput none, long rows) {
        LossConfig c = config();
        if (c.reduction() != Reduction.MEAN) {
            return 1.0;
        }
        return isSeedMode() ? Math.max(rows, 1) : none.stats().tot();
    }

    /** True for seed-categorical, whose MEAN divides by the number of rows. */
    protected boolean isSeedMode() {
        return false;
    }

    /** The backend's loss with this adapter's state (created on first use). */
    @JsonIgnore
    public synchronized HarmonizedLoss loss() {
        if (loss == null) {
            loss = SharedBackend.get().loss(config());
            if (pendingState != null) {
                loss.restore(DensityState.fromBytes(pendingState));
                pendingState = null;
            }
        }
        return loss;
    }

    /** The current EMA state. */
    @JsonIgnore
    public synchronized DensityState snapshot() {
        return loss().snapshot();
    }

    /** Replaces the EMA state (GHM-5.1). */
    public synchronized void restore(DensityState state) {
        loss().restore(state);
        committedState = null;
    }

    /** The state as base64 for DL4J's JSON (GHM-5.2). */
    @JsonProperty("state")
    public synchronized String getState() {
        byte[] b = loss != null ? loss.snapshot().toBytes() : pendingState;
        return b == null ? null : Base64.getEncoder().encodeToString(b);
    }

    /** Reads the state written by {@link #getState()}. */
    @JsonProperty("state")
    public synchronized void setState(String base64) {
        byte[] b = base64 == null ? null : Base64.getDecoder().decode(base64);
        committedState = null;
        if (loss != null && b != null) {
            loss.restore(DensityState.fromBytes(b));
        } else {
            pendingState = b;
        }
    }

    @Override
    public synchronized double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                            INDArray mask, boolean average) {
        if (isLastCommitted(labels, preOutput, mask)) {
            return average ? committedScore / preOutput.size(0) : committedScore;
        }
        if (scoreOutput == null) {
            scoreOutput = new LossOutput().withoutGradient();
        }
        double score = loss().compute(input(labels, pred(preOutput, activationFn), mask), scoreOutput,
                StateUpdate.PREVIEW);
        return average ? score / preOutput.size(0) : score;
    }

    @Override
    public synchronized INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                   INDArray mask) {
        if (perExample == null) {
            perExample = SharedBackend.get().loss(noneConfig());
            exampleOutput = new LossOutput().withoutGradient();
        }
        perExample.restore(loss().snapshot());
        perExample.compute(input(labels, pred(preOutput, activationFn), mask), exampleOutput, StateUpdate.PREVIEW);
        INDArray rows = perExample(((Nd4jTensor) exampleOutput.elementLoss()).array());
        double divisor = exampleDivisor(exampleOutput, preOutput.size(0));
        return rows.div(divisor).reshape(preOutput.size(0), 1).castTo(preOutput.dataType());
    }

    /** This loss's config with {@link Reduction#NONE}. */
    protected abstract LossConfig noneConfig();

    @Override
    public synchronized INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                 INDArray mask) {
        return train(labels, preOutput, activationFn, mask).getSecond();
    }

    @Override
    public synchronized Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                                     IActivation activationFn, INDArray mask,
                                                                     boolean average) {
        Pair<Double, INDArray> p = train(labels, preOutput, activationFn, mask);
        return average ? new Pair<>(p.getFirst() / preOutput.size(0), p.getSecond()) : p;
    }

    /** One committed call: the score (sum form) and dL/dpreOutput. */
    private Pair<Double, INDArray> train(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (trainOutput == null) {
            trainOutput = new LossOutput();
        }
        boolean direct = preOutputIsInput(activationFn);
        INDArray pred = direct ? preOutput : activationFn.getActivation(preOutput.dup(), true);
        double score = loss().compute(input(labels, pred, mask), trainOutput, StateUpdate.COMMIT);
        rememberCommit(labels, preOutput, mask, score);
        INDArray dLdInput = ((Nd4jTensor) trainOutput.gradient()).array().castTo(preOutput.dataType());
        if (dLdInput == ((Nd4jTensor) trainOutput.gradient()).array()) {
            dLdInput = dLdInput.dup();
        }
        INDArray grad = direct ? dLdInput : activationFn.backprop(preOutput.dup(), dLdInput).getFirst();
        return new Pair<>(score, grad);
    }

    private void rememberCommit(INDArray labels, INDArray preOutput, INDArray mask, double score) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (committedPreOutput == null || !committedPreOutput.equalShapes(preOutput)
                    || committedPreOutput.dataType() != preOutput.dataType()) {
                committedPreOutput = preOutput.dup('c');
            } else {
                committedPreOutput.assign(preOutput);
            }
        }
        committedLabels = labels;
        committedMask = mask;
        committedScore = score;
        committedState = loss.snapshot();
    }

    /** True when this score request is the committed call's batch, with no commit or restore since. */
    private boolean isLastCommitted(INDArray labels, INDArray preOutput, INDArray mask) {
        if (committedState == null || labels != committedLabels || mask != committedMask
                || !committedPreOutput.equalShapes(preOutput) || committedPreOutput.dataType() != preOutput.dataType()
                || !committedState.equals(loss().snapshot())) {
            return false;
        }
        return Nd4j.getExecutioner().exec(new MatchCondition(committedPreOutput.sub(preOutput),
                Conditions.notEquals(0.0))).getInt(0) == 0;
    }

    private INDArray pred(INDArray preOutput, IActivation activationFn) {
        return preOutputIsInput(activationFn) ? preOutput : activationFn.getActivation(preOutput.dup(), false);
    }

    /** A FLOAT or DOUBLE view of {@code a} for the backend (other types are converted). */
    static Nd4jTensor tensor(INDArray a) {
        DataType t = a.dataType();
        return Nd4jTensor.of(t == DataType.FLOAT || t == DataType.DOUBLE ? a : a.castTo(DataType.FLOAT));
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && config().equals(((GhmLossFunction) o).config());
    }

    @Override
    public int hashCode() {
        return config().hashCode();
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        synchronized (this) {
            byte[] saved = pendingState;
            if (loss != null) {
                pendingState = loss.snapshot().toBytes();
            }
            out.defaultWriteObject();
            pendingState = saved;
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
    }

    /**
     * The ND4J backend the adapters share: created on first use (daemon threads), with
     * {@value #THREADS_PROPERTY} kernel threads when that system property is set, else one per
     * available processor. Created in {@link #get()}, not in a static initializer, so that a bad
     * property value reaches the caller as its own error on every use, not as an
     * {@code ExceptionInInitializerError} once and a {@code NoClassDefFoundError} after.
     */
    static final class SharedBackend {
        /** System property: the number of kernel threads of the shared backend, a positive integer. */
        static final String THREADS_PROPERTY = "ghm.nd4j.threads";

        private static Nd4jBackend backend;

        private SharedBackend() {
        }

        static synchronized Nd4jBackend get() {
            if (backend == null) {
                backend = new Nd4jBackend(threads(System.getProperty(THREADS_PROPERTY),
                        Runtime.getRuntime().availableProcessors()));
            }
            return backend;
        }

        /**
         * The thread count from the value of {@value #THREADS_PROPERTY}: {@code fallback} when it is
         * not set (null), else the value (surrounding blanks allowed), which must be an integer >= 1.
         *
         * @throws InvalidConfigException (GHM-CONFIG-INVALID, an IllegalArgumentException) naming the
         *         property and the value otherwise
         */
        static int threads(String value, int fallback) {
            if (value == null) {
                return fallback;
            }
            int threads;
            try {
                threads = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1) {
                throw new InvalidConfigException("System property " + THREADS_PROPERTY + " is '" + value
                        + "'; it must be a positive integer, the number of kernel threads of the ND4J backend "
                        + "the DL4J loss functions share (unset it for one per available processor)");
            }
            return threads;
        }
    }
}
