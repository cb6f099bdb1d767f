package dev.kiln.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared/models from wherever the tests run (module directory or repository root). */
final class SampleModels {
    private SampleModels() {
    }

    static Path get(String file) {
        for (String base : new String[] {"../shared/models", "../../shared/models"}) {
            Path p = Path.of(base, file);
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample model " + file + " not found beside the repository (../shared/models)");
    }

    /** Natives for every test of this module, unpacked once under target/. */
    static void natives() {
        OrtNatives.prepare(Path.of("target", "ort-cache"));
    }
}
