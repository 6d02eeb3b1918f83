package org.ghm4j.cli.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal stream, redrawn with a carriage return at most every 250 ms
 * and on the last iteration: {@code focal [#######-------------]  350/1000 loss 0.4123  6.1 it/s  ETA 1:47}.
 * The loss shown is an exponential moving average (factor 0.9) of the iteration scores.
 */
public final class ProgressBar implements Trainer.Listener {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final String label;
    private double smoothed = Double.NaN;
    private long lastDraw;

    public ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void iteration(int done, int total, double loss, double elapsedSeconds) {
        smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 250_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * done / total);
        double rate = done / Math.max(elapsedSeconds, 1e-9);
        long eta = Math.round((total - done) / Math.max(rate, 1e-9));
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        err.print(String.format(Locale.ROOT, "\r%-5s [%s] %5d/%d loss %.4f %5.2f it/s ETA %d:%02d ", label, bar, done,
                total, smoothed, rate, eta / 60, eta % 60));
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
