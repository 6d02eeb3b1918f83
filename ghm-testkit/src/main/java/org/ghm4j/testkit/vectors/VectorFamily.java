package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.testkit.Tolerances;

/**
 * A family of conformance vector files, found with {@link java.util.ServiceLoader}: the testkit's
 * own families run {@code ghmc_mmdet}, {@code ghmr_mmdet} and {@code ghm_categorical_seed};
 * {@code ghm-detection} registers {@code retinanet_ghm_mmdet}, so a conformance run includes the
 * detection vectors whenever ghm-detection is on the class path (GHM-9.4).
 */
public interface VectorFamily {

    /** The {@code "function"} values of the vector files this family runs. */
    Set<String> functions();

    /**
     * Runs one case file (already parsed) against {@code backend}, step by step with the state
     * carried over. Throws {@link AssertionError} at the first mismatch, with a message naming the
     * rule, case, step, field, index, shape, expected, actual and tolerance.
     */
    void run(JsonNode testCase, GhmBackend backend);

    /**
     * {@link #run(JsonNode, GhmBackend)} with the tolerances the implementor chose (the testkit's
     * verification calls this one). The default ignores them and uses the family's own (GHM-9.3).
     * A case the backend cannot run (a capability it does not declare) is skipped by throwing
     * {@code org.opentest4j.TestAbortedException} with a reason naming the capability.
     */
    default void run(JsonNode testCase, GhmBackend backend, Tolerances tolerances) {
        run(testCase, backend);
    }
}
