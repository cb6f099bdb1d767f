package dev.kiln.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Stacks for the tests: run from the e2e module, started for quick start-up rather than peak speed. */
final class TestStacks {
    /** Surefire runs in the module directory; the repository root is its parent. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private TestStacks() {
    }

    static Stack create(String name) throws IOException {
        return new Stack(ROOT, Files.createTempDirectory(name), JVM_OPTIONS);
    }
}
