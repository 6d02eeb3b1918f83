package org.ghm4j.backend.java.kernel;

/**
 * Whether the float32 vector kernels of {@link FloatVectorKernels} are used. They need the incubating
 * module {@code jdk.incubator.vector} (start the JVM with {@code --add-modules jdk.incubator.vector};
 * the {@code ./ghm} launcher does), a preferred float vector of at least 8 lanes (AVX2 or wider), and
 * {@code -Dghm.vector} not set to {@code false}. Decided once, when this class is initialized, after a
 * self-test of the kernels against StrictMath; without them the float64 block kernels of
 * {@link MathKernels} run. This class itself never touches the incubating API, so it loads anywhere.
 */
public final class VectorSupport {
    /** The system property that turns the vector kernels off ({@code -Dghm.vector=false}). */
    public static final String PROPERTY = "ghm.vector";
    private static final String MODULE = "jdk.incubator.vector";

    /** True when the vector kernels are in use. */
    public static final boolean ENABLED;
    private static final String STATUS;

    static {
        String status;
        boolean enabled = false;
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            status = "off (-D" + PROPERTY + "=false)";
        } else if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            status = "off (module " + MODULE + " not loaded; start the JVM with --add-modules " + MODULE + ")";
        } else {
            try {
                int lanes = FloatVectorKernels.lanes();
                if (lanes < 8) {
                    status = "off (preferred float vector has " + lanes + " lanes, fewer than 8)";
                } else {
                    FloatVectorKernels.selfTest();
                    enabled = true;
                    status = "on (float32, " + lanes + " lanes)";
                }
            } catch (RuntimeException | LinkageError e) {
                status = "off (" + e + ")";
            }
        }
        ENABLED = enabled;
        STATUS = status;
    }

    private VectorSupport() {
    }

    /** A line for diagnostics: {@code on (float32, 8 lanes)} or {@code off (reason)}. */
    public static String status() {
        return STATUS;
    }
}
