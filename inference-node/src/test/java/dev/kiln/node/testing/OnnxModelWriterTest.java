package dev.kiln.node.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.runtime.RuntimeConfig;
import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.onnx.Ort;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-encoded models are real ONNX: ORT runs them and the inspector reads the intended layout from them. */
class OnnxModelWriterTest {
    private static OrtEnvironment env;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        env = Ort.environment(new RuntimeConfig(null, 0, 0, false).ortCacheDir());
    }

    @Test
    void ortRunsTheModelAndReturnsTheFixedOutputs() throws Exception {
        Path file = new OnnxModelWriter().imageInput("images", 8)
                .output("scores", new long[]{2, 3}, 1f, 2f, 3f, 4f, 5f, 6f)
                .output("ids", new long[]{2}, 7L, -1L)
                .write(dir.resolve("m.onnx"));
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.allocate(3 * 8 * 8), new long[]{1, 3, 8, 8});
             OrtSession.Result result = session.run(Map.of("images", input))) {
            assertThat(session.getInputNames()).containsExactly("images");
            OnnxTensor scores = (OnnxTensor) result.get("scores").orElseThrow();
            assertThat(scores.getInfo().getShape()).containsExactly(2, 3);
            float[] values = new float[6];
            scores.getFloatBuffer().get(values);
            assertThat(values).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
            long[] ids = new long[2];
            ((OnnxTensor) result.get("ids").orElseThrow()).getLongBuffer().get(ids);
            assertThat(ids).containsExactly(7L, -1L);
        }
    }

    @Test
    void theInspectorTellsEachDetectionLayoutApart() throws Exception {
        assertThat(inspect(new OnnxModelWriter().imageInput("images", 32)
                .output("output0", new long[]{1, 7, 6}, new float[42]))).satisfies(d -> {
            assertThat(d.outputAdapter()).isEqualTo("yolov5");
            assertThat(d.task()).isEqualTo(Task.OBJECT_DETECTION);
            assertThat(d.input().resize()).isEqualTo("letterbox");
        });
        assertThat(inspect(new OnnxModelWriter().imageInput("images", 32)
                .output("output0", new long[]{1, 6, 20}, new float[120])).outputAdapter()).isEqualTo("yolov8");
        ModelDescriptor tf = inspect(new OnnxModelWriter().imageInput("input_tensor", 32)
                .output("detection_boxes", new long[]{1, 2, 4}, new float[8])
                .output("detection_classes", new long[]{1, 2}, new float[2])
                .output("detection_scores", new long[]{1, 2}, new float[2])
                .output("num_detections", new long[]{1}, new float[1]));
        assertThat(tf.outputAdapter()).isEqualTo("tf_od");
        assertThat(tf.outputs()).containsEntry("count", "num_detections").containsEntry("classes", "detection_classes");
    }

    @Test
    void theInspectorTellsSegmentationLayoutsApartAndReadsLabelMetadata() throws Exception {
        ModelDescriptor semantic = inspect(new OnnxModelWriter().imageInput("input", 16)
                .output("out", new long[]{1, 3, 16, 16}, new float[3 * 256])
                .metadata("names", "{0: 'sky', 1: 'road', 2: 'car'}"));
        assertThat(semantic.outputAdapter()).isEqualTo("semantic_segmentation");
        assertThat(semantic.task()).isEqualTo(Task.SEMANTIC_SEGMENTATION);
        assertThat(semantic.labels()).containsEntry(2, "car");
        ModelDescriptor instances = inspect(new OnnxModelWriter().imageInput("images", 16)
                .output("boxes", new long[]{1, 4}, new float[4])
                .output("labels", new long[]{1}, 1L)
                .output("scores", new long[]{1}, 0.9f)
                .output("masks", new long[]{1, 1, 16, 16}, new float[256]));
        assertThat(instances.outputAdapter()).isEqualTo("torchvision");
        assertThat(instances.task()).isEqualTo(Task.INSTANCE_SEGMENTATION);
        assertThat(instances.outputs()).containsEntry("masks", "masks");
    }

    private ModelDescriptor inspect(OnnxModelWriter writer) throws Exception {
        return ModelInspector.inspect(writer.write(dir.resolve("model.onnx")), DescriptorOverrides.NONE);
    }
}
