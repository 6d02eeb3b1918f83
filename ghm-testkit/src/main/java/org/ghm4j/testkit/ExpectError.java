package org.ghm4j.testkit;

import java.util.Arrays;
import org.ghm4j.api.error.ErrorId;
import org.ghm4j.api.error.GhmError;

/** Asserting that a call fails the way GHM-6 says: an unchecked ghm4j exception with a stable id. */
public final class ExpectError {
    private ExpectError() {
    }

    /**
     * Runs {@code call} and returns the exception it throws, failing unless it is a
     * {@link RuntimeException} extending {@link IllegalArgumentException} or
     * {@link IllegalStateException} (GHM-6.5), implementing {@link GhmError}, with one of the
     * {@code ids} and a message starting with {@code [ID]}.
     */
    public static RuntimeException thrown(Expect expect, String what, Runnable call, ErrorId... ids) {
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            throw expect.fail(what + ": expected an error " + Arrays.toString(ids) + " but the call returned normally");
        }
        if (thrown instanceof AssertionError a) {
            throw a;
        }
        if (!(thrown instanceof IllegalArgumentException || thrown instanceof IllegalStateException)) {
            throw expect.fail(what + ": expected an IllegalArgumentException or IllegalStateException (GHM-6.5) with id "
                    + Arrays.toString(ids) + ", got " + thrown);
        }
        if (!(thrown instanceof GhmError ge)) {
            throw expect.fail(what + ": expected a ghm4j error type implementing GhmError (GHM-6.5), got " + thrown);
        }
        if (!Arrays.asList(ids).contains(ge.errorId())) {
            throw expect.fail(what + ": expected error id " + Arrays.toString(ids) + ", got " + ge.errorId() + ": "
                    + thrown.getMessage());
        }
        String msg = String.valueOf(thrown.getMessage());
        if (!msg.startsWith("[" + ge.errorId().code() + "]")) {
            throw expect.fail(what + ": the message must start with [" + ge.errorId().code() + "], got: " + msg);
        }
        return (RuntimeException) thrown;
    }

    /** Fails unless {@code message} contains every one of {@code parts}. */
    public static void mentions(Expect expect, String what, String message, String... parts) {
        for (String p : parts) {
            if (!message.contains(p)) {
                throw expect.fail(what + ": the message must name '" + p + "', got: " + message);
            }
        }
    }
}
