package org.ghm4j.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The only class the provider's availability probe touches: loading it (and not before) loads ND4J
 * and its native library. Kept separate so that {@link Nd4jBackendProvider} itself references no
 * ND4J type.
 */
final class NativeCheck {
    private NativeCheck() {
    }

    /** Creates and reads a small native array; throws whatever ND4J throws when it cannot run. */
    static void run() {
        INDArray a = Nd4j.create(DataType.FLOAT, 2);
        a.putScalar(1, 3.0);
        if (a.data().asNioFloat().get(1) != 3.0f) {
            throw new IllegalStateException("ND4J native memory does not read back what was written");
        }
    }
}
