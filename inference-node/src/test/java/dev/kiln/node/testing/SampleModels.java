package dev.kiln.node.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sample models of ../shared/models, found from the module directory or the repository root. */
public final class SampleModels {
    public static final String SSDLITE = "ssdlite320_mobilenet_v3.onnx";
    public static final String PPOCR = "ppocr_v4_text_det.onnx";
    public static final String MOBILENET = "mobilenet_v3_small.onnx";

    private SampleModels() {
    }

    public static Path path(String file) {
        for (String dir : List.of("../../shared/models", "../shared/models")) {
            Path candidate = Path.of(dir, file).toAbsolutePath().normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample model " + file + " not found in ../../shared/models or "
                + "../shared/models from " + Path.of("").toAbsolutePath());
    }
}
