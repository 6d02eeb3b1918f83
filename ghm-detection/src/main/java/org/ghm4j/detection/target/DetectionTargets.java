package org.ghm4j.detection.target;

import java.util.List;
import org.ghm4j.detection.anchor.AnchorGrid;

/**
 * The targets of a batch: the shared anchor grid and one {@link ImageTargets} per image.
 *
 * @param config  the settings used
 * @param grid    the batch's anchors
 * @param images  per image, in batch order (unmodifiable)
 * @param gtBoxes per image the gt boxes [G * 4] it was built from (shared)
 */
public record DetectionTargets(TargetConfig config, AnchorGrid grid, List<ImageTargets> images,
                               List<float[]> gtBoxes) {

    public DetectionTargets {
        images = List.copyOf(images);
        gtBoxes = List.copyOf(gtBoxes);
    }

    public int numImages() {
        return images.size();
    }

    public int numClasses() {
        return config.numClasses();
    }

    public ImageTargets image(int i) {
        return images.get(i);
    }

    /** Counts of {@code level} summed over the images. */
    public LevelCounts counts(int level) {
        LevelCounts sum = LevelCounts.ZERO;
        for (ImageTargets t : images) {
            sum = sum.plus(t.counts(level));
        }
        return sum;
    }

    /** Counts per level summed over the images. */
    public LevelCounts[] countsPerLevel() {
        LevelCounts[] out = new LevelCounts[grid.numLevels()];
        for (int l = 0; l < out.length; l++) {
            out[l] = counts(l);
        }
        return out;
    }

    /** Positive anchors of the batch. */
    public int numPositives() {
        int p = 0;
        for (ImageTargets t : images) {
            p += t.numPositives();
        }
        return p;
    }

    /**
     * mmdetection's {@code avg_factor} for RetinaNet (PseudoSampler): the sum over images of
     * max(positives of the image, 1). The focal, Smooth L1 and L1 baselines divide by it.
     */
    public double avgFactor() {
        double s = 0;
        for (ImageTargets t : images) {
            s += Math.max(t.numPositives(), 1);
        }
        return s;
    }
}
