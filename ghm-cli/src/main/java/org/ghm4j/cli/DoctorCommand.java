package org.ghm4j.cli;

import org.ghm4j.backend.java.kernel.VectorSupport;
import org.ghm4j.core.GhmDiagnostics;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ghm doctor}: the diagnostics report. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show Java, the GHM backends found (priority, availability, capabilities), the selected one"
                + " and whether the vector kernels are on.")
final class DoctorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(GhmDiagnostics.describe());
        // the float32 Vector API kernels of the java backend (also used by the nd4j backend's blocks)
        spec.commandLine().getOut().println("vector kernels: " + VectorSupport.status());
        spec.commandLine().getOut().flush();
    }
}
