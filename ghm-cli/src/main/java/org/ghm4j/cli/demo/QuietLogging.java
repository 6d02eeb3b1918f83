package org.ghm4j.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ND4J, JavaCPP and DL4J off the console unless {@code --verbose}. Call before any backend
 * loads: JavaCPP reads {@code org.bytedeco.javacpp.logger} once, when its Logger class initializes,
 * and otherwise writes its messages straight to System.err; with {@code slf4j} they go through
 * SLF4J, where the levels below apply. Without {@code --verbose} those libraries' loggers are off
 * (the CLI's own loggers stay at their WARN default); with it everything logs from INFO up.
 */
public final class QuietLogging {
    /** Libraries that log at load time (backend banners, thread counts, native library paths). */
    static final String[] NOISY = {"org.nd4j", "org.bytedeco", "org.deeplearning4j", "org.reflections", "oshi"};

    private QuietLogging() {
    }

    public static void apply(boolean verbose) {
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
            return;
        }
        if (verbose) {
            root.setLevel(Level.INFO);
            for (String name : NOISY) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(null);
            }
        } else {
            for (String name : NOISY) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.OFF);
            }
        }
    }
}
