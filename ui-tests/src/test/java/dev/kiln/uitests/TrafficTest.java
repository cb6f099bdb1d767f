package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Traffic tab: a canary added and weighted with its slider, the history, and a rollback from it. */
@ExtendWith(Dashboard.class)
class TrafficTest {

    @Test
    void aCanaryIsAddedWithItsSliderAndRolledBackFromTheHistory(Ui ui, LiveStack stack) {
        String name = LiveStack.unique("canary");
        String deploymentId = stack.onlineDeployment(name);
        String v1 = stack.admin().get("/api/v1/deployments/" + deploymentId).body().get("modelVersionId").asText();
        String modelId = stack.admin().get("/api/v1/model-versions/" + v1).body().get("modelId").asText();
        Api.Reply v2 = stack.admin().uploadVersion(modelId, LiveStack.DETECTOR);
        assertThat(v2.status()).as(v2.text()).isEqualTo(201);
        String v2Tag = v2.body().get("versionTag").asText();

        ui.signIn().openDeployment(name).tab("Traffic");
        ui.page().locator("#traffic-add").selectOption(v2.body().get("id").asText());
        ui.button("as canary").click();
        var slider = ui.field("Weight of " + v2Tag);
        slider.focus();
        for (int i = 0; i < 10; i++) {
            slider.press("ArrowRight");
        }
        ui.shot("traffic-canary-draft");
        ui.button("Apply traffic").click();

        await().atMost(Duration.ofSeconds(10)).until(() -> weights(stack, deploymentId).equals("90,10"));
        assertThat(ui.page().getByTestId("history-list").locator("li")).hasCount(2);
        ui.shot("traffic-canary-applied");

        ui.button("Roll back to #1").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> weights(stack, deploymentId).equals("100"));
        assertThat(ui.page().getByTestId("history-list").locator("li")).hasCount(3);
        assertThat(ui.page().getByTestId("history-list")).containsText("rollback");
        ui.shot("traffic-rolled-back");
    }

    private static String weights(LiveStack stack, String deploymentId) {
        JsonNode traffic = stack.admin().get("/api/v1/deployments/" + deploymentId).body().get("traffic");
        StringBuilder weights = new StringBuilder();
        for (JsonNode entry : traffic) {
            weights.append(weights.isEmpty() ? "" : ",").append(entry.get("weight").asInt());
        }
        return weights.toString();
    }
}
