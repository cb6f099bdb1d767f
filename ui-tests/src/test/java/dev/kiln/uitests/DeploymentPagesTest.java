package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, "Browser tests": a deployment's Overview graphs with live traffic, a configuration applied from the
 * Configuration tab with its rollout progress, and the Logs tab showing what happened.
 */
@ExtendWith(Dashboard.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentPagesTest {
    /** Stats reach the graphs through a node's 10-second window and the page's 10-second refresh. */
    private static final LocatorAssertions.ContainsTextOptions STATS_ARRIVE =
            new LocatorAssertions.ContainsTextOptions().setTimeout(60_000);
    private static final LocatorAssertions.ContainsTextOptions ROLLOUT_ENDS =
            new LocatorAssertions.ContainsTextOptions().setTimeout(120_000);

    private String name;
    private String deploymentId;
    private String secret;

    @BeforeAll
    void deployment(LiveStack stack) {
        name = LiveStack.unique("pages");
        deploymentId = stack.onlineDeployment(name);
        secret = stack.newKey(LiveStack.unique("pages"));
    }

    @Test
    @Order(1)
    void theOverviewGraphsShowLiveTraffic(Ui ui, LiveStack stack) {
        Api caller = new Api(stack.url());
        byte[] image = SampleImage.jpeg();
        for (int i = 0; i < 12; i++) {
            assertThat(caller.predict(deploymentId, secret, image).status()).isEqualTo(200);
        }

        ui.signIn().openDeployment(name);

        Locator requests = ui.page().locator(".tile").filter(new Locator.FilterOptions().setHasText("Requests"))
                .locator(".tile-value");
        assertThat(requests).containsText(Pattern.compile("^[1-9][0-9,]*$"), STATS_ARRIVE);
        Locator rateChart = ui.page().locator("figure.chart")
                .filter(new Locator.FilterOptions().setHasText("Request rate"));
        assertThat(rateChart.getByRole(AriaRole.IMG)).isVisible();
        assertThat(rateChart.locator("canvas")).isVisible();
        assertThat(rateChart.locator(".chart-empty")).hasCount(0);
        assertThat(ui.page().locator(".tile").filter(new Locator.FilterOptions().setHasText("Latency p95"))
                .locator(".tile-value")).containsText("ms");
        ui.shot("overview-with-traffic");
    }

    @Test
    @Order(2)
    void aConfigurationAppliedFromTheTabRollsOutWithItsProgressShown(Ui ui, LiveStack stack) {
        int generation = stack.admin().get("/api/v1/deployments/" + deploymentId).body().get("generation").asInt();
        ui.signIn().openDeployment(name).tab("Configuration");

        ui.field("Max queue length").fill("77");
        assertThat(ui.page().getByText("Changed: maxQueue")).isVisible();
        ui.button("Apply changes").click();

        Locator rollout = ui.page().locator(".rollout");
        assertThat(rollout).containsText("config #" + (generation + 1));
        ui.shot("rolling-out");
        assertThat(rollout).containsText("Configuration is live", ROLLOUT_ENDS);
        assertThat(ui.page().getByRole(AriaRole.PROGRESSBAR)).hasAttribute("value", "100");
        ui.shot("live");
        JsonNode applied = stack.admin().get("/api/v1/deployments/" + deploymentId).body();
        assertThat(applied.get("maxQueue").asInt()).isEqualTo(77);
        assertThat(applied.get("generation").asInt()).isEqualTo(generation + 1);
    }

    @Test
    @Order(3)
    void theLogsTabListsTheModelLoadsAndTheRollout(Ui ui) {
        ui.signIn().openDeployment(name).tab("Logs");

        Locator rows = ui.page().locator("table.logs tbody tr");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("LOAD")).first()).isVisible();
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("ROLLOUT")).first()).isVisible();
        ui.shot("logs");
    }
}
