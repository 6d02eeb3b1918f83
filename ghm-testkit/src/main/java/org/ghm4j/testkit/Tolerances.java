package org.ghm4j.testkit;

/**
 * How close a backend's numbers must be to the expected ones (GHM-9.3): a value passes when
 * |actual - expected| <= atol + rtol * |expected|. Bins and counts are always compared exactly.
 *
 * @param stateRtol     rtol of the EMA state S (GHM-9.3: 1e-6)
 * @param weightRtol    rtol of the harmonizing weights beta and densities (1e-6)
 * @param lossRtol      rtol of the loss, scalar or per element (1e-5)
 * @param gradRtol      rtol of the gradient (1e-5)
 * @param gradAtolOfMax the gradient's atol as a fraction of max |expected gradient| (1e-5)
 */
public record Tolerances(double stateRtol, double weightRtol, double lossRtol, double gradRtol, double gradAtolOfMax) {

    public Tolerances {
        check("stateRtol", stateRtol);
        check("weightRtol", weightRtol);
        check("lossRtol", lossRtol);
        check("gradRtol", gradRtol);
        check("gradAtolOfMax", gradAtolOfMax);
    }

    /** GHM-9.3, the default for every backend. */
    public static Tolerances ghm93() {
        return new Tolerances(1e-6, 1e-6, 1e-5, 1e-5, 1e-5);
    }

    /** 1e-12 everywhere: what a float64 backend meets on float64 input (GHM-9.3). */
    public static Tolerances float64() {
        return new Tolerances(1e-12, 1e-12, 1e-12, 1e-12, 1e-12);
    }

    /** Every tolerance multiplied by {@code factor}, e.g. to loosen a float16 backend. */
    public Tolerances scaled(double factor) {
        return new Tolerances(stateRtol * factor, weightRtol * factor, lossRtol * factor, gradRtol * factor,
                gradAtolOfMax * factor);
    }

    private static void check(String name, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }
}
