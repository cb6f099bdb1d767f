package dev.kiln.controlplane.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the sample models of ../shared/models (see its README) from wherever the tests run. */
public final class SampleModels {

    private SampleModels() {
    }

    public static Path path(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("models").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Sample model " + name + " not found in any shared/models above "
                + Path.of("").toAbsolutePath());
    }
}
