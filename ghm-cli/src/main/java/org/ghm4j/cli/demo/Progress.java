package org.ghm4j.cli.demo;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for phases that take a while: nothing is printed for a phase that ends
 * within {@code delayMillis}; after that, on a terminal, one line {@code ghm demo: step 2/5 ... 3s}
 * is rewritten in place every quarter second and erased when the phase ends; elsewhere (a pipe, a
 * log file) the phase is announced once on its own line. Thread-safe; the timer thread is a daemon.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean interactive;
    private final long delayMillis;
    private final ScheduledExecutorService timer;
    private final LongSupplier clock;
    private String phase;
    private long since;
    private boolean shown;
    private int width;
    private String lastLine;

    /**
     * @param err         where the line goes (stderr)
     * @param interactive true on a terminal: rewrite the line in place; false: one plain line per slow phase
     * @param delayMillis how long a phase runs before it is shown (the demo: 2000)
     */
    public Progress(PrintWriter err, boolean interactive, long delayMillis) {
        this(err, interactive, delayMillis, System::nanoTime, true);
    }

    /** With {@code clock} (nanoseconds) and, when {@code timed}, a timer calling {@link #tick()} every 250 ms. */
    Progress(PrintWriter err, boolean interactive, long delayMillis, LongSupplier clock, boolean timed) {
        this.err = err;
        this.interactive = interactive;
        this.delayMillis = delayMillis;
        this.clock = clock;
        if (timed) {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ghm-demo-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    /** A progress that never prints (for callers that want none). */
    public static Progress silent() {
        return new Progress(new PrintWriter(java.io.Writer.nullWriter()), false, Long.MAX_VALUE / 4, System::nanoTime,
                false);
    }

    /** Starts a phase (ends the previous one). */
    public synchronized void phase(String text) {
        clear();
        phase = text;
        since = clock.getAsLong();
    }

    /** Ends the current phase, erasing its line; call before printing results on stdout. */
    public synchronized void clear() {
        if (shown && interactive) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
        phase = null;
        shown = false;
        width = 0;
    }

    /** Shows the current phase if it has run for the delay (called by the timer). */
    synchronized void tick() {
        if (phase == null) {
            return;
        }
        long elapsed = (clock.getAsLong() - since) / 1_000_000;
        if (elapsed < delayMillis) {
            return;
        }
        if (interactive) {
            String line = "ghm demo: " + phase + " ... " + elapsed / 1000 + "s";
            if (shown && line.equals(lastLine)) {
                return;
            }
            lastLine = line;
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = Math.max(width, line.length());
            err.flush();
            shown = true;
        } else if (!shown) {
            err.println("ghm demo: " + phase + " ...");
            err.flush();
            shown = true;
        }
    }

    @Override
    public void close() {
        clear();
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
