package org.ghm4j.testkit;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodDescriptor;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;

/**
 * Runs the rule tests in the order of docs/spec.md (GHM-1.2 before GHM-1.10 before GHM-2.1),
 * required before optional within a rule, then by name.
 */
public final class RuleOrder implements MethodOrderer {
    private static final Pattern RULE = Pattern.compile("^(required|optional)_ghm(\\d+)_(\\d+)_");

    @Override
    public void orderMethods(MethodOrdererContext context) {
        context.getMethodDescriptors().sort(Comparator.comparing((MethodDescriptor m) -> key(m.getMethod().getName())));
    }

    /** A sortable key: section and rule zero-padded, then 0 for required / 1 for optional, then the name. */
    static String key(String methodName) {
        Matcher m = RULE.matcher(methodName);
        if (!m.find()) {
            return "~" + methodName;
        }
        return String.format("%03d.%03d.%d.%s", Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                m.group(1).equals("required") ? 0 : 1, methodName);
    }

    /** The rule id of a test method name: {@code required_ghm2_5_x} is {@code GHM-2.5}; null when none. */
    public static String ruleOf(String methodName) {
        Matcher m = RULE.matcher(methodName);
        return m.find() ? "GHM-" + m.group(2) + "." + m.group(3) : null;
    }
}
