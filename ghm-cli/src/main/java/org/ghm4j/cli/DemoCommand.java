package org.ghm4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ghm demo}: GHM on a detection batch (wired when ghm-detection lands). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show what GHM does to a detector's gradients, and how fast.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new GhmCli.UsageException("the demo is not part of this build yet");
    }
}
