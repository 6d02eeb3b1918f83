package org.ghm4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line, driven by a hand-moved clock (no timer, no sleeping). */
class ProgressTest {
    final AtomicLong now = new AtomicLong();
    final StringWriter text = new StringWriter();

    Progress progress(boolean interactive) {
        return new Progress(new PrintWriter(text, true), interactive, 2000, now::get, false);
    }

    void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void quickPhasesPrintNothing() {
        Progress p = progress(true);
        p.phase("step 1/5");
        advanceMillis(1999);
        p.tick();
        p.clear();
        p.tick();
        assertEquals("", text.toString());
    }

    @Test
    void slowPhaseOnATerminalIsRewrittenInPlaceAndErased() {
        Progress p = progress(true);
        p.phase("warming up");
        advanceMillis(2000);
        p.tick();
        advanceMillis(300);
        p.tick();
        advanceMillis(800);
        p.tick();
        p.clear();
        String line2 = "ghm demo: warming up ... 2s";
        String line3 = "ghm demo: warming up ... 3s";
        assertEquals("\r" + line2 + "\r" + line3 + "\r" + " ".repeat(line3.length()) + "\r", text.toString());
    }

    @Test
    void slowPhaseElsewhereIsOneLine() {
        Progress p = progress(false);
        p.phase("drawing the figure");
        advanceMillis(2500);
        p.tick();
        advanceMillis(5000);
        p.tick();
        p.phase("next");
        p.close();
        assertEquals("ghm demo: drawing the figure ..." + System.lineSeparator(), text.toString());
    }
}
