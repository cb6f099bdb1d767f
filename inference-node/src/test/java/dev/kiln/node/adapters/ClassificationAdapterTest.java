package dev.kiln.node.adapters;

import dev.kiln.node.testing.ModelRunner;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClassificationAdapterTest {

    @Test
    void logitsGoThroughSoftmax() {
        double[] p = ClassificationAdapter.probabilities(new float[]{1, 2, 3}, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(p[0]).isCloseTo(Math.exp(1) / z, within(1e-9));
        assertThat(p[2]).isCloseTo(Math.exp(3) / z, within(1e-9));
    }

    @Test
    void probabilitiesAreKept() {
        assertThat(ClassificationAdapter.probabilities(new float[]{0.1f, 0.7f, 0.2f}, 3))
                .containsExactly(new double[]{0.1f, 0.7f, 0.2f}, within(1e-9));
    }

    @Test
    void mobilenetGivesTheTopFiveBestFirst() throws Exception {
        try (ModelRunner mobilenet = new ModelRunner(SampleModels.MOBILENET)) {
            List<Prediction> top = mobilenet.run(TestImages.encode(TestImages.scene(300, 200, 5), "png"),
                    new ClassificationAdapter()).predictions();
            assertThat(top).hasSize(5);
            assertThat(top.stream().mapToDouble(Prediction::confidence).sum()).isLessThanOrEqualTo(1.0 + 1e-6);
            for (int i = 0; i < top.size(); i++) {
                assertThat(top.get(i).bound()).isNull();
                assertThat(top.get(i).tag().id()).isBetween(0, 999);
                if (i > 0) {
                    assertThat(top.get(i).confidence()).isLessThanOrEqualTo(top.get(i - 1).confidence());
                }
            }
        }
    }
}
