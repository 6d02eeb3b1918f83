package org.ghm4j.detection;

import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.InvalidInputException;

/**
 * The one place that words detection input errors (GHM-8.4, GHM-6): every message starts with
 * {@code [GHM-DETECTION-INPUT]} (or the {@code GHM-INPUT-*} id where the problem is a plain number)
 * and names the image, the level and the index of the offending item.
 */
public final class DetectionErrors {
    private DetectionErrors() {
    }

    /** {@code [GHM-DETECTION-INPUT] <detail>} */
    public static InvalidInputException input(String detail) {
        return new InvalidInputException(ErrorId.DETECTION_INPUT, detail);
    }

    /** A ground-truth box that is degenerate or not finite, named by image and box index. */
    public static InvalidInputException box(int image, int box, float x1, float y1, float x2, float y2, String why) {
        return input("image " + image + " gt_bboxes[" + box + "] = [" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                + "] " + why + " (GHM-8.4)");
    }

    /** A non-finite number in a head output, named by image, level, anchor and component. */
    public static InvalidInputException nonFinite(String argument, int image, int level, int anchor, int component,
                                                  double value) {
        return new InvalidInputException(ErrorId.INPUT_NONFINITE, argument + " of image " + image + ", level " + level
                + ", anchor " + anchor + ", component " + component + " is " + value
                + "; every element must be finite (GHM-6.1)");
    }
}
