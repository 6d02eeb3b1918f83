package org.ghm4j.detection.anchor;

import java.util.Arrays;
import org.ghm4j.api.error.InvalidConfigException;

/**
 * Settings of the anchor generator (mmdetection's {@code AnchorGenerator} with octave scales).
 *
 * <p>Level l has stride s_l and base size s_l; its A = ratios x scales base anchors use the scales
 * {@code octaveBaseScale * 2^(i / scalesPerOctave)}, i = 0 .. scalesPerOctave-1, and the ratios
 * r = h / w. Base anchor index a = ratioIndex * scalesPerOctave + scaleIndex (mmdetection's
 * {@code scale_major = True}).
 *
 * @param strides         strides of the FPN levels, each >= 1, in level order (RetinaNet: 8, 16, 32, 64, 128).
 *                        Copied.
 * @param ratios          height / width ratios, each finite and > 0 (RetinaNet: 0.5, 1, 2). Copied.
 * @param octaveBaseScale finite and > 0 (RetinaNet: 4)
 * @param scalesPerOctave >= 1 (RetinaNet: 3)
 * @param centerOffset    centre of the base anchors as a fraction of the stride, in [0, 1) (RetinaNet: 0)
 */
public record AnchorConfig(int[] strides, double[] ratios, double octaveBaseScale, int scalesPerOctave,
                           double centerOffset) {

    public AnchorConfig {
        if (strides == null || strides.length == 0) {
            throw new InvalidConfigException("anchor strides must hold at least one level");
        }
        strides = strides.clone();
        for (int l = 0; l < strides.length; l++) {
            if (strides[l] < 1) {
                throw new InvalidConfigException("anchor strides[" + l + "] must be >= 1, got " + strides[l]);
            }
        }
        if (ratios == null || ratios.length == 0) {
            throw new InvalidConfigException("anchor ratios must hold at least one ratio");
        }
        ratios = ratios.clone();
        for (int r = 0; r < ratios.length; r++) {
            if (!(ratios[r] > 0) || !Double.isFinite(ratios[r])) {
                throw new InvalidConfigException("anchor ratios[" + r + "] must be finite and > 0, got " + ratios[r]);
            }
        }
        if (!(octaveBaseScale > 0) || !Double.isFinite(octaveBaseScale)) {
            throw new InvalidConfigException("octaveBaseScale must be finite and > 0, got " + octaveBaseScale);
        }
        if (scalesPerOctave < 1) {
            throw new InvalidConfigException("scalesPerOctave must be >= 1, got " + scalesPerOctave);
        }
        if (!(centerOffset >= 0 && centerOffset < 1)) {
            throw new InvalidConfigException("centerOffset must be in [0, 1), got " + centerOffset);
        }
    }

    /** RetinaNet in mmdetection: strides 8..128, octave base scale 4, 3 scales per octave, ratios 0.5, 1, 2, offset 0. */
    public static AnchorConfig retinanet() {
        return new AnchorConfig(new int[] {8, 16, 32, 64, 128}, new double[] {0.5, 1.0, 2.0}, 4.0, 3, 0.0);
    }

    /** Same settings with other strides. */
    public AnchorConfig withStrides(int... newStrides) {
        return new AnchorConfig(newStrides, ratios, octaveBaseScale, scalesPerOctave, centerOffset);
    }

    /** Same settings with other ratios. */
    public AnchorConfig withRatios(double... newRatios) {
        return new AnchorConfig(strides, newRatios, octaveBaseScale, scalesPerOctave, centerOffset);
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    public int numLevels() {
        return strides.length;
    }

    public int stride(int level) {
        return strides[level];
    }

    /** A, the number of base anchors per location. */
    public int numBaseAnchors() {
        return ratios.length * scalesPerOctave;
    }

    /**
     * The scales as float32, as mmdetection computes them: {@code octaveBaseScale * 2^(i / scalesPerOctave)}
     * in float64, then rounded (RetinaNet: 4, 5.0396843, 6.349604).
     */
    public float[] scales() {
        float[] s = new float[scalesPerOctave];
        for (int i = 0; i < scalesPerOctave; i++) {
            s[i] = (float) (StrictMath.pow(2.0, (double) i / scalesPerOctave) * octaveBaseScale);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorConfig c && Arrays.equals(strides, c.strides) && Arrays.equals(ratios, c.ratios)
                && Double.compare(octaveBaseScale, c.octaveBaseScale) == 0 && scalesPerOctave == c.scalesPerOctave
                && Double.compare(centerOffset, c.centerOffset) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(strides) + Arrays.hashCode(ratios) + Double.hashCode(octaveBaseScale)
                + scalesPerOctave;
    }

    @Override
    public String toString() {
        return "AnchorConfig[strides=" + Arrays.toString(strides) + ", ratios=" + Arrays.toString(ratios)
                + ", octaveBaseScale=" + octaveBaseScale + ", scalesPerOctave=" + scalesPerOctave
                + ", centerOffset=" + centerOffset + "]";
    }
}
