package org.ghm4j.detection.target;

import org.ghm4j.detection.DetectionErrors;

/**
 * What a dataset provides for one image of a batch. Values are checked by {@link TargetBuilder},
 * which knows the image's index in the batch (GHM-8.4); this record only checks lengths.
 *
 * @param imgHeight  height of the resized image inside the padded input, >= 1 (mmdetection's img_shape[0])
 * @param imgWidth   width of the resized image, >= 1
 * @param padHeight  height of the image padded (usually to a multiple of 32), >= 1 (pad_shape[0]); decides
 *                   which anchor locations are valid
 * @param padWidth   padded width, >= 1
 * @param gtBoxes    [G * 4] x1, y1, x2, y2 in input pixels, finite, x2 > x1, y2 > y1; G may be 0. Not copied,
 *                   not modified.
 * @param gtLabels   [G] class indices in [0, numClasses). Not copied, not modified.
 */
public record ImageAnnotation(int imgHeight, int imgWidth, int padHeight, int padWidth, float[] gtBoxes,
                              int[] gtLabels) {

    public ImageAnnotation {
        if (gtBoxes == null || gtLabels == null) {
            throw DetectionErrors.input("gtBoxes and gtLabels must not be null (use empty arrays for no boxes)");
        }
        if (gtBoxes.length % 4 != 0 || gtBoxes.length / 4 != gtLabels.length) {
            throw DetectionErrors.input("gtBoxes has " + gtBoxes.length + " numbers and gtLabels " + gtLabels.length
                    + " labels; gtBoxes must hold 4 numbers per label");
        }
    }

    /** An image of [height, width] that is its own padded shape. */
    public static ImageAnnotation of(int height, int width, float[] gtBoxes, int[] gtLabels) {
        return new ImageAnnotation(height, width, height, width, gtBoxes, gtLabels);
    }

    /** Number of gt boxes G. */
    public int numBoxes() {
        return gtLabels.length;
    }
}
