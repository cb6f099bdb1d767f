package dev.kiln.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --pin}: the stack on one core and the load generator on the other ({@code taskset}), so that the two
 * never compete and each one's CPU per request is its own; raw ONNX Runtime is moved onto the stack's core for its
 * rows, so both sides of a comparison get the same single core.
 */
final class Pinning {
    static final int STACK_CORE = 0;
    static final int LOAD_CORE = 1;

    private Pinning() {
    }

    /** Pins every thread of {@code pid} (and of the processes it started, e.g. Postgres' backends) to {@code core}. */
    static void pin(long pid, int core) {
        List<String> command = new ArrayList<>(List.of("taskset", "-a", "-c", "-p", Integer.toString(core),
                Long.toString(pid)));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("taskset failed for pid " + pid + ": " + out.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("--pin needs taskset (util-linux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This JVM's processes started since (the apps, Postgres): everything but the load generator itself. */
    static List<Long> stackPids() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).toList();
    }

    static void pinStack() {
        stackPids().forEach(pid -> pin(pid, STACK_CORE));
    }

    static void pinSelf(int core) {
        pin(ProcessHandle.current().pid(), core);
    }
}
