package dev.kiln.node.adapters;

import dev.kiln.node.testing.OnnxModelWriter;
import dev.kiln.onnx.DescriptorOverrides;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The TensorFlow Object Detection API layout: normalized ymin,xmin,ymax,xmax rows, padded past num_detections. */
class TfOdAdapterTest {

    private static OnnxModelWriter model() {
        return new OnnxModelWriter().imageInput("input_tensor", 32)
                .output("detection_boxes", new long[]{1, 3, 4},
                        0.1f, 0.2f, 0.5f, 0.6f,
                        0.5f, 0.5f, 0.9f, 0.7f,
                        0, 0, 1, 1)
                // The third row is padding, with a high score: only num_detections says to ignore it.
                .output("detection_classes", new long[]{1, 3}, 18f, 1f, 3f)
                .output("detection_scores", new long[]{1, 3}, 0.6f, 0.95f, 0.99f)
                .output("num_detections", new long[]{1}, 2f);
    }

    @Test
    void boxesAreReadAsYminXminYmaxXmaxUpToNumDetectionsBestFirst() throws Exception {
        DescriptorOverrides labels = new DescriptorOverrides(null, null, null, null, Map.of(1, "person", 18, "dog"),
                null);
        List<Prediction> predictions = LayoutModels.run(model(), labels, new TfOdAdapter(), 100, 50);
        assertThat(predictions).extracting(Prediction::confidence).containsExactly(0.95, 0.6);
        assertThat(predictions).extracting(Prediction::tag).containsExactly(new Tag(1, "person"), new Tag(18, "dog"));
        // Stretched to the tensor, so normalized to the tensor is normalized to the image.
        assertThat(LayoutModels.box(predictions.get(0))).containsExactly(new double[]{0.5, 0.5, 0.7, 0.9},
                within(1e-6));
        assertThat(LayoutModels.box(predictions.get(1))).containsExactly(new double[]{0.2, 0.1, 0.6, 0.5},
                within(1e-6));
    }

    @Test
    void theConfidenceOptionDropsWeakDetections() throws Exception {
        List<Prediction> predictions = LayoutModels.run(model(), LayoutModels.options(Map.of("confidence", 0.9)),
                new TfOdAdapter(), 64, 64);
        assertThat(predictions).extracting(Prediction::confidence).containsExactly(0.95);
    }
}
