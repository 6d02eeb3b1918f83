package org.ghm4j.cli;

import java.io.PrintWriter;
import org.ghm4j.core.Ghm;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code ghm}: the command line of ghm4j. Exit codes: 0 success, 1 failure (e.g. a conformance rule
 * failed), 2 usage error (unknown command or option, unknown backend).
 */
@Command(name = "ghm", mixinStandardHelpOptions = true, versionProvider = GhmCli.Version.class,
        description = "Gradient Harmonizing Mechanism (GHM-C, GHM-R) losses for the JVM.",
        subcommands = {DoctorCommand.class, ConformanceCommand.class, BenchCommand.class, DemoCommand.class, TrainCommand.class,
                CommandLine.HelpCommand.class})
public final class GhmCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        ConsoleLogging.configure(java.util.Arrays.asList(args).contains("--verbose"));
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new GhmCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints {@code ghm4j <version>}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ghm4j " + Ghm.version(), "java " + System.getProperty("java.version")};
        }
    }

    /** Errors of ghm4j's own types become one line on stderr; usage errors exit 2, others 1. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parse) {
            if (e instanceof UsageException || e instanceof org.ghm4j.api.error.BackendException
                    && ((org.ghm4j.api.error.BackendException) e).errorId() == org.ghm4j.api.error.ErrorId.BACKEND_UNKNOWN) {
                cl.getErr().println("ghm " + cl.getCommandName() + ": " + e.getMessage());
                cl.usage(cl.getErr());
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof org.ghm4j.api.error.GhmError) {
                cl.getErr().println("ghm " + cl.getCommandName() + ": " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            cl.getErr().println("ghm " + cl.getCommandName() + ": " + e);
            if (Boolean.getBoolean("ghm.debug")) {
                e.printStackTrace(cl.getErr());
            }
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** A bad option value noticed after parsing: reported like a parse error (exit 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
