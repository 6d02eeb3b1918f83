package org.ghm4j.cli;

import org.ghm4j.core.GhmDiagnostics;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ghm doctor}: the diagnostics report. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show Java, the GHM backends found (priority, availability, capabilities) and the selected one.")
final class DoctorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(GhmDiagnostics.describe());
        spec.commandLine().getOut().flush();
    }
}
