package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.ghm4j.api.Capability;
import org.ghm4j.api.config.GhmrConfig;
import org.ghm4j.api.config.LossConfig;
import org.ghm4j.api.config.Reduction;

/** {@code ghmr_mmdet}: mmdetection's GHMR with Authentic Smooth L1 (GHM-4); see {@link MmdetFamily}. */
public final class GhmrMmdetFamily extends MmdetFamily {
    public static final String FUNCTION = "ghmr_mmdet";

    @Override
    public Set<String> functions() {
        return Set.of(FUNCTION);
    }

    @Override
    LossConfig config(JsonNode p, Reduction reduction) {
        return GhmrConfig.builder().mu(p.path("mu").asDouble()).bins(p.path("bins").asInt())
                .momentum(p.path("momentum").asDouble()).lossWeight(p.path("loss_weight").asDouble(1.0))
                .reduction(reduction).build();
    }

    @Override
    Set<Capability> needs(JsonNode p) {
        return Set.of();
    }

    @Override
    String lossRule() {
        return "GHM-4.2";
    }

    @Override
    String gradRule() {
        return "GHM-4.4";
    }

    @Override
    String totRule() {
        return "GHM-4.3";
    }
}
