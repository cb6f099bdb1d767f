package dev.kiln.node.adapters;

import dev.kiln.node.imaging.DecodedImage;
import dev.kiln.node.imaging.RgbArray;
import dev.kiln.node.testing.ModelRunner;
import dev.kiln.node.testing.OnnxModelWriter;
import dev.kiln.onnx.DescriptorOverrides;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs models made by {@link OnnxModelWriter} through the node's preprocessing and an adapter. */
final class LayoutModels {
    private LayoutModels() {
    }

    static List<Prediction> run(OnnxModelWriter model, OutputAdapter adapter, int imageWidth, int imageHeight)
            throws Exception {
        return run(model, DescriptorOverrides.NONE, adapter, imageWidth, imageHeight);
    }

    /** The model's outputs do not depend on the image: only its size matters, through resize and letterbox. */
    static List<Prediction> run(OnnxModelWriter model, DescriptorOverrides overrides, OutputAdapter adapter,
                                int imageWidth, int imageHeight) throws Exception {
        Path file = Files.createTempFile("kiln-layout-", ".onnx");
        try (ModelRunner runner = new ModelRunner(model.write(file), overrides);
             DecodedImage image = runner.decoder().fromRgb(new RgbArray(imageWidth, imageHeight,
                     new byte[imageWidth * imageHeight * 3]), Duration.ZERO)) {
            return runner.run(image, adapter).predictions();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static DescriptorOverrides options(Map<String, Object> options) {
        return new DescriptorOverrides(null, null, null, null, null, options);
    }

    /** xmin, ymin, xmax, ymax of a prediction's bound. */
    static double[] box(Prediction p) {
        List<List<Double>> b = p.bound();
        return new double[]{b.get(0).get(0), b.get(0).get(1), b.get(2).get(0), b.get(2).get(1)};
    }
}
