package org.ghm4j.cli.train;

import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.backend.nd4j.dl4j.LossGhmc;
import org.ghm4j.backend.nd4j.dl4j.LossGhmr;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The loss pairs of the comparison (ghm, focal, bce; ghmc on request), each a (classification, box) pair of DL4J loss functions
 * for the detector's {@link LossLayer}s.
 */
public enum LossKind {
    /** GHM-C (30 bins, momentum 0.75) + GHM-R (mu 0.02, 10 bins, momentum 0.7, weight 10): mmdetection's retinanet_ghm. */
    GHM,
    /** GHM-C (30 bins, momentum 0.75) + Smooth L1 (beta 0.11): GHM-C alone, the paper's middle row. */
    GHMC,
    /** Sigmoid focal loss (alpha 0.25, gamma 2) + Smooth L1 (beta 0.11), both over the positives: RetinaNet. */
    FOCAL,
    /** Sigmoid BCE + Smooth L1 (beta 0.11), both over the positives. */
    BCE;

    /** The lower-case name used on the command line and in the result line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ghm}, {@code ghmc}, {@code focal} or {@code bce} (any case). */
    public static LossKind of(String s) {
        for (LossKind k : values()) {
            if (k.id().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + s + "', expected ghm, ghmc, focal or bce");
    }

    /** A new classification loss (on logits). */
    public ILossFunction classification() {
        return switch (this) {
            case GHM, GHMC -> new LossGhmc(GhmcConfig.retinanet());
            case FOCAL -> new LossSigmoidFocal();
            case BCE -> new LossSigmoidBce();
        };
    }

    /** A new box regression loss (on deltas). */
    public ILossFunction regression() {
        return this == GHM ? new LossGhmr(GhmrConfig.retinanet()) : new LossSmoothL1();
    }
}
