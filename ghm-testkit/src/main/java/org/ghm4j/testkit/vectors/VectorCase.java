package org.ghm4j.testkit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One vector file: its parsed content and where it came from.
 *
 * @param source a path or class-path resource name, for messages
 * @param json   the whole file
 */
public record VectorCase(String source, JsonNode json) {

    public String function() {
        return json.path("function").asText();
    }

    /** The case's {@code name} (the file name when it has none). */
    public String name() {
        String n = json.path("name").asText("");
        if (!n.isEmpty()) {
            return n;
        }
        String s = source.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1).replaceFirst("\\.json$", "");
    }

    public List<String> tags() {
        List<String> t = new ArrayList<>();
        json.path("tags").forEach(n -> t.add(n.asText()));
        return t;
    }

    /** A case tagged {@code quirk}: steps whose expectation is non-finite must raise a GHM-6 error. */
    public boolean quirk() {
        return tags().contains("quirk");
    }
}
