package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.FilePayload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(Dashboard.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationTest {

    private String name;
    private String deploymentId;

    @BeforeAll
    void deployment(LiveStack stack) {
        name = LiveStack.unique("eval");
        deploymentId = stack.onlineDeployment(name);
    }

    @Test
    void anImageIsShownWithItsPredictionsDrawnAndTheJsonBesideIt(Ui ui) {
        JsonNode result = evaluate(ui);

        assertThat(result.path("deploymentId").asText()).isEqualTo(deploymentId);
        List<Double> confidences = confidences(result);
        assertThat(confidences).as("the sample detector finds something in the scene").isNotEmpty();
        Locator slider = ui.field("Confidence");
        double threshold = Double.parseDouble(slider.inputValue());
        assertThat(annotations(ui)).hasCount((int) confidences.stream().filter(c -> c >= threshold).count());
        slider.fill("0");
        assertThat(annotations(ui)).hasCount(confidences.size());
    }

    @Test
    void raisingTheConfidenceSliderDrawsOnlyTheMoreConfidentPredictions(Ui ui) {
        evaluate(ui);
        Locator slider = ui.field("Confidence");
        slider.fill("0");
        List<Double> confidences = confidences(shownJson(ui));
        assertThat(annotations(ui)).hasCount(confidences.size());
        ui.shot("slider-at-0");

        // A step of the slider (0.01) above the lowest confidence and at most the highest, nearest the median, so
        // some but not all predictions remain. The sample detector's confidences lie close together.
        List<Double> sorted = confidences.stream().sorted().toList();
        double low = sorted.getFirst();
        double high = sorted.getLast();
        double median = sorted.get(sorted.size() / 2);
        assertThat(high - low).as("confidences spread over more than one slider step").isGreaterThan(0.01);
        double threshold = IntStream.rangeClosed(0, 100).mapToDouble(step -> step / 100.0)
                .filter(t -> t > low && t <= high)
                .boxed().min(Comparator.comparingDouble(t -> Math.abs(t - median))).orElseThrow();
        slider.fill(String.format(Locale.ROOT, "%.2f", threshold));

        long remaining = confidences.stream().filter(c -> c >= threshold).count();
        assertThat(remaining).isPositive().isLessThan(confidences.size());
        assertThat(annotations(ui)).hasCount((int) remaining);
        ui.shot("slider-raised");
    }

    @Test
    void twoRoutinesWithTheirArgumentsRunWithTheSessionAndNoKeyIsCreated(Ui ui, LiveStack stack) {
        String keys = "/api/v1/projects/" + stack.projectId() + "/keys";
        int keysBefore = stack.admin().get(keys).body().size();
        ui.signIn().openDeployment(name).tab("Evaluation");
        ui.field("Image").setInputFiles(new FilePayload("image.jpg", "image/jpeg", SampleImage.jpeg()));
        ui.page().getByLabel("FilterConfidence").check();
        ui.field("Confidence (0 to 1)").fill("0.3");
        ui.page().getByLabel("Histogram").check();
        ui.field("Ranges").check();
        ui.field("Upper bounds").fill("0.5, 1");
        ui.shot("routines-chosen");

        JsonNode result = run(ui);

        assertThat(confidences(result)).isNotEmpty().allSatisfy(c -> assertThat(c).isGreaterThanOrEqualTo(0.3));
        assertThat(result.path("routines").has("Histogram")).as(result.toString()).isTrue();
        assertThat(stack.admin().get(keys).body().size()).as("no temporary key").isEqualTo(keysBefore);
    }

    /** Runs the deployment's Evaluation tab on the sample image; returns the JSON it shows. */
    private JsonNode evaluate(Ui ui) {
        ui.signIn().openDeployment(name).tab("Evaluation");
        ui.field("Image").setInputFiles(new FilePayload("image.jpg", "image/jpeg", SampleImage.jpeg()));
        return run(ui);
    }

    /** Clicks Run (no secret key: the session is enough) and returns the JSON shown. */
    private JsonNode run(Ui ui) {
        ui.button("Run").click();

        Locator json = ui.page().getByTestId("evaluation-json");
        assertThat(json).containsText("predictions", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(ui.page().getByTestId("evaluation-canvas")).isVisible();
        ui.shot("evaluated");
        return shownJson(ui);
    }

    private static JsonNode shownJson(Ui ui) {
        try {
            return Api.JSON.readTree(ui.page().getByTestId("evaluation-json").textContent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Locator annotations(Ui ui) {
        return ui.page().getByTestId("evaluation-canvas").locator("[data-testid=\"annotation\"]");
    }

    private static List<Double> confidences(JsonNode result) {
        List<Double> confidences = new ArrayList<>();
        result.path("predictions").forEach(p -> confidences.add(p.path("confidence").asDouble()));
        return confidences;
    }
}
