package org.ghm4j.testkit.broken;

import java.util.Set;
import java.util.function.UnaryOperator;
import org.ghm4j.api.Capability;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.api.state.DensityState;
import org.ghm4j.api.state.HistogramSynchronizer;

/**
 * A backend that forwards to another (the oracle) through a {@link ForwardingLoss} whose methods a
 * broken variant overrides: the base of the testkit's deliberately wrong backends.
 */
public class ForwardingBackend implements GhmBackend {
    private final String name;
    private final GhmBackend delegate;
    private final UnaryOperator<HarmonizedLoss> wrap;

    public ForwardingBackend(String name, GhmBackend delegate, UnaryOperator<HarmonizedLoss> wrap) {
        this.name = name;
        this.delegate = delegate;
        this.wrap = wrap;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public HarmonizedLoss loss(LossConfig config) {
        return wrap.apply(delegate.loss(config));
    }

    @Override
    public GradientDensityEstimator estimator(EstimatorConfig config) {
        return delegate.estimator(config);
    }

    /** Forwards every call; override one method to break one rule. */
    public static class ForwardingLoss implements HarmonizedLoss {
        protected final HarmonizedLoss delegate;

        public ForwardingLoss(HarmonizedLoss delegate) {
            this.delegate = delegate;
        }

        @Override
        public LossConfig config() {
            return delegate.config();
        }

        @Override
        public double compute(LossInput input, LossOutput output, StateUpdate update) {
            return delegate.compute(input, output, update);
        }

        @Override
        public DensityState snapshot() {
            return delegate.snapshot();
        }

        @Override
        public void restore(DensityState state) {
            delegate.restore(state);
        }

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void synchronizer(HistogramSynchronizer synchronizer) {
            delegate.synchronizer(synchronizer);
        }
    }
}
