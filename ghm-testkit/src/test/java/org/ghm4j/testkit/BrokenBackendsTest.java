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
            String id = r.kind() == RuleResult.Kind.RULE ? r.rule() : "GHM-";
            assertTrue(r.message().startsWith(id), rule + " message must start with its rule id " + id + ": " + r.message());
        }
        RuleResult first = report.result(b.mustFail().get(0));
        assertTrue(first.message().contains(b.messageHint()), "message of " + first.name() + " must mention '"
                + b.messageHint() + "': " + first.message());
        assertTrue(report.failed() > 0);
        System.out.println(b.name() + ": " + report.summaryLine() + " failing " + report.failedNames());
        System.out.println("  " + first.line());
    }

    /** GHM-7.5: a DETERMINISTIC backend whose last bits depend on the thread count. */
    @org.junit.jupiter.api.Test
    void threadDependentBitsFailGhm7_5() {
        ConformanceReport report = ConformanceRunner.of("thread-dependent", org.ghm4j.testkit.oracle.OracleBackend::new)
                .withOptions(o -> new org.ghm4j.testkit.broken.ForwardingBackend("thread-dependent",
                        new org.ghm4j.testkit.oracle.OracleBackend(), l -> new org.ghm4j.testkit.broken.ForwardingBackend.ForwardingLoss(l) {
                            @Override
                            public double compute(org.ghm4j.api.loss.LossInput in, org.ghm4j.api.loss.LossOutput out,
                                                  org.ghm4j.api.StateUpdate u) {
                                double v = delegate.compute(in, out, u);
                                org.ghm4j.api.tensor.Tensor g = out.gradient();
                                if (o.threads() > 1 && g != null && g.length() > 0) {
                                    g.setDouble(0, g.getDouble(0) * (1 + 1e-6) + 1e-30);
                                }
                                return v;
                            }
                        }))
                .run();
        RuleResult r = report.result("optional_ghm7_5_threadCountDoesNotChangeBits");
        assertEquals(RuleResult.Status.FAIL, r.status(), report.toJson());
        assertTrue(r.message().startsWith("GHM-7.5") && r.message().contains("bit-identical"), r.message());
        assertEquals(java.util.List.of("optional_ghm7_5_threadCountDoesNotChangeBits"), report.failedNames());
    }
}
