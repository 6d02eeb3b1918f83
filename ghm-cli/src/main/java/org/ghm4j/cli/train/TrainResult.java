package org.ghm4j.cli.train;

import java.util.Locale;

/**
 * One finished training run.
 *
 * @param loss       the loss pair trained with
 * @param iterations iterations run
 * @param seconds    wall-clock training time (without evaluation)
 * @param losses     [iterations] the network's score (classification + box loss) per iteration
 * @param finalLoss  mean score of the last {@link #tail(int)} iterations
 * @param map50      validation mAP at IoU 0.5 (VOC area)
 * @param ap         validation COCO-style AP (IoU 0.50:0.95)
 */
public record TrainResult(LossKind loss, int iterations, double seconds, double[] losses, double finalLoss,
                          double map50, double ap) {

    /** Iterations averaged for the final loss: a tenth of the run, between 1 and 50. */
    public static int tail(int iterations) {
        return Math.max(1, Math.min(50, iterations / 10));
    }

    /** The one-line summary: {@code train loss=ghm iterations=2000 seconds=141.2 final_loss=0.231 map50=0.612 ap=0.371}. */
    public String line() {
        return String.format(Locale.ROOT, "train loss=%s iterations=%d seconds=%.1f final_loss=%.3f map50=%.3f ap=%.3f",
                loss.id(), iterations, seconds, finalLoss, map50, ap);
    }
}
