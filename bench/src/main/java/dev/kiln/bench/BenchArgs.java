package dev.kiln.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What every benchmark's main needs: its {@code --name value} options and the repository it runs from. */
public final class BenchArgs {

    private BenchArgs() {
    }

    public static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    /** The repository root: the working directory or one above it (Maven runs a bench from bench/). */
    public static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("inference-node")) && Files.isDirectory(p.resolve("control-plane"))) {
                return p;
            }
        }
        throw new IllegalStateException("run the bench from the Kiln repository (no control-plane/ and inference-node/"
                + " above " + here + ")");
    }
}
