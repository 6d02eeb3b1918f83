package org.ghm4j.backend.nd4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The thread count of the ND4J backend the DL4J adapters share, from the system property
 * {@code ghm.nd4j.threads}: parsed by {@code SharedBackend.threads}, so that no JVM restart is
 * needed to try values (the shared backend itself is created once per JVM).
 */
class SharedBackendThreadsTest {

    @Test
    @DisplayName("unset: one thread per available processor (the fallback)")
    void unsetPropertyGivesTheFallback() {
        assertEquals(7, GhmLossFunction.SharedBackend.threads(null, 7));
    }

    @Test
    @DisplayName("a positive integer, blanks around it allowed, is the thread count")
    void positiveIntegerIsTheThreadCount() {
        assertEquals(1, GhmLossFunction.SharedBackend.threads("1", 8));
        assertEquals(3, GhmLossFunction.SharedBackend.threads(" 3 ", 8));
        assertEquals(64, GhmLossFunction.SharedBackend.threads("64", 2));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0", "-2", "two", "", " ", "1.5", "99999999999"})
    @DisplayName("anything else is refused with GHM-CONFIG-INVALID naming the property and the value")
    void otherValuesAreRefused(String value) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> GhmLossFunction.SharedBackend.threads(value, 4));
        assertEquals(ErrorId.CONFIG_INVALID, e.errorId());
        assertEquals("[GHM-CONFIG-INVALID] System property ghm.nd4j.threads is '" + value + "'; it must be a positive "
                + "integer, the number of kernel threads of the ND4J backend the DL4J loss functions share (unset it "
                + "for one per available processor)", e.getMessage());
    }

    @Test
    @DisplayName("the shared backend has the property's thread count (set to 3 by this module's surefire configuration)")
    void sharedBackendUsesTheProperty() {
        String value = System.getProperty("ghm.nd4j.threads");
        assumeTrue(value != null, "system property ghm.nd4j.threads not set (the Maven build sets it)");
        assertEquals(Integer.parseInt(value), GhmLossFunction.SharedBackend.get().threads());
    }
}
