package org.ghm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.ghm4j.testkit.broken.BrokenBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each deliberately wrong backend fails the rule it breaks, with a message that says what is wrong. */
class BrokenBackendsTest {

    static Stream<BrokenBackends> broken() {
        return BrokenBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void failsTheRuleItBreaks(BrokenBackends b) {
        ConformanceReport report = ConformanceRunner.of(b.name(), b.factory()).run();
        for (String rule : b.mustFail()) {
            RuleResult r = report.result(rule);
            assertTrue(r != null, "no result for " + rule);
            assertEquals(RuleResult.Status.FAIL, r.status(), b.name() + " must fail " + rule + "; report: " + report
                    + ", failed " + report.failedNames());
            assertTrue(r.message().startsWith(RuleOrder.ruleOf(rule)) || r.message().contains(RuleOrder.ruleOf(rule)),
                    rule + " message must name its rule: " + r.message());
        }
        RuleResult first = report.result(b.mustFail().get(0));
        assertTrue(first.message().contains(b.messageHint()), "message of " + first.name() + " must mention '"
                + b.messageHint() + "': " + first.message());
        assertTrue(report.failed() > 0);
        System.out.println(b.name() + ": " + report.summaryLine() + " failing " + report.failedNames());
        System.out.println("  " + first.line());
    }
}
