package org.ghm4j.cli;

/**
 * Keeps ND4J, JavaCPP and DL4J off the console unless {@code --verbose}, without a compile-time
 * dependency on the logging backend: it sets the system properties that the CLI's logback.xml reads
 * ({@code ghm.log} for the root level, {@code ghm.libs.log} for the noisy libraries) and routes
 * JavaCPP's own messages (otherwise written straight to System.err) through SLF4J. It must run before
 * the first logger is created, which is why {@link GhmCli#main} calls it first thing.
 */
public final class ConsoleLogging {
    private ConsoleLogging() {
    }

    /** Quiet (WARN, libraries off) or verbose (INFO everywhere); explicit -D settings win. */
    public static void configure(boolean verbose) {
        setIfAbsent("org.bytedeco.javacpp.logger", "slf4j");
        setIfAbsent("ghm.log", verbose ? "INFO" : "WARN");
        setIfAbsent("ghm.libs.log", verbose ? "INFO" : "OFF");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
