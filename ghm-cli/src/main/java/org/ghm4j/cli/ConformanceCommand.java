package org.ghm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ghm4j.core.Ghm;
import org.ghm4j.core.Selection;
import org.ghm4j.testkit.ConformanceReport;
import org.ghm4j.testkit.ConformanceRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghm conformance --backend NAME [--vectors DIR ...] [--report FILE]}: the whole testkit against a
 * backend on the class path, one line per rule and per vector case, then
 * {@code conformance backend=NAME: N passed, M failed, K skipped}. Exit 0 when nothing failed, 1 when
 * something failed, 2 for a usage error.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Certify a backend against docs/spec.md with the ghm-testkit.",
                "Add a third-party backend's jar with ./ghm --classpath JAR conformance --backend NAME."})
final class ConformanceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", required = true, description = "The backend to certify.")
    String backend;

    @Option(names = "--vectors", paramLabel = "DIR", description = "Extra vector directories (repeatable, GHM-9.4).")
    List<Path> vectors = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path report;

    @Override
    public Integer call() throws IOException {
        for (Path dir : vectors) {
            if (!Files.isDirectory(dir)) {
                throw new GhmCli.UsageException("--vectors: " + dir + " is not a directory");
            }
        }
        Selection selection = Ghm.registry().select(backend);
        PrintWriter out = spec.commandLine().getOut();
        ConformanceReport result = ConformanceRunner.forProvider(selection.provider().provider())
                .vectorDirectories(vectors)
                .listener(r -> {
                    out.println(r.line());
                    out.flush();
                })
                .run();
        if (report != null) {
            result.writeJson(report);
        }
        out.println(result.summaryLine());
        out.flush();
        return result.ok() ? 0 : 1;
    }
}
