package dev.kiln.onnx;

import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelInspectorTest {

    @BeforeAll
    static void natives() {
        SampleModels.natives();
    }

    @Test
    void torchvisionDetectorIsRecognisedWithItsDynamicChwInput() throws Exception {
        ModelDescriptor d = ModelInspector.inspect(SampleModels.get("ssdlite320_mobilenet_v3.onnx"), null);

        assertThat(d.task()).isEqualTo(Task.OBJECT_DETECTION);
        assertThat(d.outputAdapter()).isEqualTo("torchvision");
        assertThat(d.outputs()).containsEntry("boxes", "boxes").containsEntry("scores", "scores").containsEntry("labels", "labels");
        assertThat(d.input().name()).isEqualTo("images");
        assertThat(d.input().layout()).isEqualTo("CHW");
        assertThat(d.input().height()).isNull();
        assertThat(d.input().resize()).isEqualTo("none");
        assertThat(d.input().scale()).isEqualTo(1.0 / 255.0);
        assertThat(d.input().mean()).isEmpty();
        assertThat(d.input().dynamicBatch()).isFalse();
    }

    @Test
    void classifierGetsImagenetNormalisationAndTopFive() throws Exception {
        ModelDescriptor d = ModelInspector.inspect(SampleModels.get("mobilenet_v3_small.onnx"), DescriptorOverrides.NONE);

        assertThat(d.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(d.outputAdapter()).isEqualTo("classification");
        assertThat(d.input().layout()).isEqualTo("NCHW");
        assertThat(d.input().height()).isEqualTo(224);
        assertThat(d.input().width()).isEqualTo(224);
        assertThat(d.input().resize()).isEqualTo("stretch");
        assertThat(d.input().mean()).containsExactly(0.485, 0.456, 0.406);
        assertThat(d.input().dynamicBatch()).isTrue();
        assertThat(d.options()).containsEntry("topK", 5);
    }

    @Test
    void textDetectorIsAProbabilityMapWithStrideOptions() throws Exception {
        ModelDescriptor d = ModelInspector.inspect(SampleModels.get("ppocr_v4_text_det.onnx"), null);

        assertThat(d.outputAdapter()).isEqualTo("prob_map");
        assertThat(d.input().layout()).isEqualTo("NCHW");
        assertThat(d.input().height()).isNull();
        assertThat(d.options()).containsEntry("sizeMultiple", 32).containsEntry("threshold", 0.3);
    }

    @Test
    void overridesWinOverWhatIsInferred() throws Exception {
        var overrides = new DescriptorOverrides(null, null, null,
                new DescriptorOverrides.Input(null, null, null, null, "BGR", 1.0, List.of(0.0, 0.0, 0.0),
                        List.of(255.0, 255.0, 255.0), null, null),
                Map.of(1, "person", 3, "car"), Map.of("topK", 3));

        ModelDescriptor d = ModelInspector.inspect(SampleModels.get("mobilenet_v3_small.onnx"), overrides);

        assertThat(d.input().colorOrder()).isEqualTo("BGR");
        assertThat(d.input().std()).containsExactly(255.0, 255.0, 255.0);
        assertThat(d.labels()).containsEntry(3, "car");
        assertThat(d.options()).containsEntry("topK", 3);
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRefusedWithAPlainSentence(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("model.onnx"), "this is not a model");

        assertThatThrownBy(() -> ModelInspector.inspect(junk, null))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith("The file is not a loadable ONNX model")
                .hasMessageNotContaining(dir.toString());
    }

    @Test
    void anUnknownAdapterOrAnOutputTheModelLacksIsRefused() {
        Path model = SampleModels.get("ssdlite320_mobilenet_v3.onnx");

        assertThatThrownBy(() -> ModelInspector.inspect(model,
                new DescriptorOverrides(null, "yolov9", null, null, null, null)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("Unknown output adapter 'yolov9'");
        assertThatThrownBy(() -> ModelInspector.inspect(model,
                new DescriptorOverrides(null, null, Map.of("masks", "masks"), null, null, null)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("'masks'");
    }

    @Test
    void resizeOnADynamicInputNeedsAFixedSize() {
        var overrides = new DescriptorOverrides(null, null, null,
                new DescriptorOverrides.Input(null, null, null, null, null, null, null, null, null, "letterbox"),
                null, null);

        assertThatThrownBy(() -> ModelInspector.inspect(SampleModels.get("ssdlite320_mobilenet_v3.onnx"), overrides))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("needs a fixed input height");
    }

    @Test
    void ultralyticsStyleNamesMetadataBecomesLabels() {
        assertThat(Labels.parse("{0: 'person', 1: 'bicycle', 2: \"car\"}"))
                .containsEntry(0, "person").containsEntry(2, "car").hasSize(3);
        assertThat(Labels.parse("[\"cat\", \"dog\"]")).containsEntry(1, "dog");
        assertThat(Labels.parse("cat, dog")).containsEntry(0, "cat").containsEntry(1, "dog");
    }
}
