package dev.kiln.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Supplier;

/** Prints the logs of a test's stack when one of its tests fails: the processes' own account of what went wrong. */
final class StackLogsOnFailure implements TestWatcher {

    private final Supplier<Stack> stack;

    StackLogsOnFailure(Supplier<Stack> stack) {
        this.stack = stack;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Stack current = stack.get();
        if (current != null) {
            System.err.println("Logs of the stack after " + context.getDisplayName() + ":\n" + current.logs());
        }
    }
}
