package dev.kiln.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in this JVM, as a user would from a shell with its own config directory and environment. */
final class Cli {
    private final Map<String, String> env = new HashMap<>();

    /** What one run printed and how it ended. */
    record Result(int code, String out, String err) {
    }

    Cli(Path configHome) {
        env.put("XDG_CONFIG_HOME", configHome.toString());
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Io io = new Io(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
                new PrintWriter(err, true), Map.copyOf(env), null);
        int code = KilnCli.run(io, args);
        return new Result(code, out.toString(), err.toString());
    }
}
