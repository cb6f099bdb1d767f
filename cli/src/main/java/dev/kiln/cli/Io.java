package dev.kiln.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a command reads and writes besides the server: standard streams, the environment and the terminal. Tests
 * pass their own to run the CLI in-process.
 *
 * @param console the terminal for prompts, or null when there is none (a pipe, a test)
 */
public record Io(InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env, Console console) {

    static Io system() {
        return new Io(System.in, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv(), System.console());
    }

    String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
