package org.ghm4j.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** All results of a conformance run of one backend, with counts, the summary line and a JSON form. */
public final class ConformanceReport {
    private final String backend;
    private final List<RuleResult> results;

    public ConformanceReport(String backend, List<RuleResult> results) {
        this.backend = backend;
        this.results = List.copyOf(results);
    }

    public String backend() {
        return backend;
    }

    /** Rule tests first (in spec order), then vector cases. */
    public List<RuleResult> results() {
        return results;
    }

    public long passed() {
        return count(RuleResult.Status.PASS);
    }

    public long failed() {
        return count(RuleResult.Status.FAIL);
    }

    public long skipped() {
        return count(RuleResult.Status.SKIP);
    }

    /** True when nothing failed. */
    public boolean ok() {
        return failed() == 0;
    }

    /** The names of the failed rule tests and vector cases. */
    public List<String> failedNames() {
        return results.stream().filter(r -> r.status() == RuleResult.Status.FAIL).map(RuleResult::name).toList();
    }

    /** The result named {@code name}, or null. */
    public RuleResult result(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Exactly {@code conformance backend=NAME: N passed, M failed, K skipped}. */
    public String summaryLine() {
        return "conformance backend=" + backend + ": " + passed() + " passed, " + failed() + " failed, " + skipped()
                + " skipped";
    }

    /** The report as JSON: backend, counts, summary and one object per result. */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("backend", backend);
        root.put("passed", passed());
        root.put("failed", failed());
        root.put("skipped", skipped());
        root.put("summary", summaryLine());
        ArrayNode list = root.putArray("results");
        for (RuleResult r : results) {
            ObjectNode o = list.addObject();
            o.put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("name", r.name());
            o.put("rule", r.rule());
            o.put("description", r.description());
            o.put("status", r.status().name());
            o.put("message", r.message());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson() + "\n");
    }

    private long count(RuleResult.Status s) {
        return results.stream().filter(r -> r.status() == s).count();
    }

    @Override
    public String toString() {
        return summaryLine();
    }
}
