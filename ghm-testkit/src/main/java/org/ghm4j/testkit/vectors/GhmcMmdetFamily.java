package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.config.GhmcConfig;
import org.ghm4j.api.config.InputKind;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;

/** {@code ghmc_mmdet}: mmdetection's GHMC (GHM-2); see {@link MmdetFamily}. */
public final class GhmcMmdetFamily extends MmdetFamily {
    public static final String FUNCTION = "ghmc_mmdet";

    @Override
    public Set<String> functions() {
        return Set.of(FUNCTION);
    }

    @Override
    LossConfig config(JsonNode p, Reduction reduction) {
        return GhmcConfig.builder().bins(p.path("bins").asInt()).momentum(p.path("momentum").asDouble())
                .lossWeight(p.path("loss_weight").asDouble(1.0)).reduction(reduction).input(input(p)).build();
    }

    @Override
    Set<Capability> needs(JsonNode p) {
        return input(p) == InputKind.PROBABILITIES ? Set.of(Capability.PROBABILITY_INPUT) : Set.of();
    }

    private static InputKind input(JsonNode p) {
        return "probabilities".equalsIgnoreCase(p.path("input").asText("logits"))
                ? InputKind.PROBABILITIES : InputKind.LOGITS;
    }

    @Override
    String lossRule() {
        return "GHM-2.4";
    }

    @Override
    String gradRule() {
        return "GHM-2.5";
    }

    @Override
    String totRule() {
        return "GHM-2.3";
    }
}
