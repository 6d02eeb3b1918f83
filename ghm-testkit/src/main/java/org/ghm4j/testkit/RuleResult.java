package org.ghm4j.testkit;

/**
 * The result of one rule test or one vector case of a conformance run.
 *
 * @param kind        a rule test or a vector case
 * @param name        the test method name ({@code required_ghm2_5_gradientMatchesFormula}) or the case's {@code name}
 * @param rule        the rule id ({@code GHM-2.5}; {@code GHM-9.1} for vector cases)
 * @param description the display name (the quoted rule) or the vector file
 * @param status      PASS, FAIL or SKIP
 * @param message     the first failure message, the skip reason, or empty
 */
public record RuleResult(Kind kind, String name, String rule, String description, Status status, String message) {

    public enum Kind {
        RULE,
        VECTOR
    }

    public enum Status {
        PASS,
        FAIL,
        SKIP
    }

    public RuleResult {
        message = message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
    }

    /** One line for a terminal: {@code PASS rule required_ghm2_5_...}, {@code FAIL vector c04_7x3_m075: <message>}. */
    public String line() {
        String head = status + " " + (kind == Kind.RULE ? "rule   " : "vector ") + name;
        return message.isEmpty() ? head : head + ": " + message;
    }
}
