package dev.kiln.protocol;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorOptionsTest {

    @Test
    void anOptionTheAdapterDoesNotReadIsRefusedByName() {
        assertThatThrownBy(() -> DescriptorOptions.strict("classification", Map.of("topk", 3)))
                .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.option()).isEqualTo("topk"))
                .hasMessageContaining("classification").hasMessageContaining("topK");
    }

    @Test
    void outOfRangeWrongTypeAndFractionalValuesAreRefusedByName() {
        assertThatThrownBy(() -> DescriptorOptions.strict("yolov8", Map.of("iou", 1.5)))
                .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.option()).isEqualTo("iou"));
        assertThatThrownBy(() -> DescriptorOptions.strict("yolov8", Map.of("confidence", "high")))
                .isInstanceOfSatisfying(InvalidOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("confidence"));
        assertThatThrownBy(() -> DescriptorOptions.strict("classification", Map.of("topK", 2.5)))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> DescriptorOptions.strict("prob_map", Map.of("label", "")))
                .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.option()).isEqualTo("label"));
    }

    @Test
    void givenOptionsAreReadAsTheirAdaptersTypeAndTheRestTakeTheDefaults() {
        DescriptorOptions yolo = DescriptorOptions.strict("yolov5", Map.of("iou", 0.6, "maxSide", "1280"));

        assertThat(yolo.adapter(AdapterOptions.Yolo.class)).isEqualTo(new AdapterOptions.Yolo(0.25, 0.6, 300));
        assertThat(yolo.resize()).isEqualTo(new DescriptorOptions.Resize(1280, 1));
        assertThat(DescriptorOptions.strict("prob_map", Map.of()).resize())
                .isEqualTo(new DescriptorOptions.Resize(960, 32));
    }

    @Test
    void aStoredDescriptorWithABadValueStillLoadsWithTheDefault() {
        ModelDescriptor old = new ModelDescriptor(Task.CLASSIFICATION, null, "classification", Map.of(), Map.of(),
                Map.of("topK", "many", "legacy", true));

        assertThat(DescriptorOptions.of(old).adapter(AdapterOptions.Classification.class).topK()).isEqualTo(5);
    }

    @Test
    void theStoredMapHoldsEveryOptionAndReadsBackTheSame() {
        DescriptorOptions given = DescriptorOptions.strict("torchvision", Map.of("maskThreshold", 0.4));

        Map<String, Object> stored = given.asMap();

        assertThat(stored).containsOnlyKeys("sizeMultiple", "confidence", "maskThreshold");
        assertThat(DescriptorOptions.strict("torchvision", stored)).isEqualTo(given);
    }
}
