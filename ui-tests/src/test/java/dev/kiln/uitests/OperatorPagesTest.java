package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator pages: the fleet's nodes with their state and the GPU type catalog. */
@ExtendWith(Dashboard.class)
class OperatorPagesTest {

    @Test
    void anOperatorCordonsAndUncordonsANodeFromItsCard(Ui ui, LiveStack stack) {
        ui.signIn();
        ui.nav("Nodes").click();
        Locator card = ui.page().getByRole(AriaRole.ARTICLE, new Page.GetByRoleOptions().setName("Node node-a"));
        assertThat(card).containsText("READY");
        ui.shot("nodes");
        try {
            card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cordon").setExact(true)).click();
            assertThat(card).containsText("CORDONED");
            assertThat(nodeState(stack)).isEqualTo("CORDONED");
            ui.shot("cordoned");

            card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Uncordon").setExact(true)).click();
            assertThat(card).containsText("READY");
            assertThat(nodeState(stack)).isEqualTo("READY");
        } finally {
            // The other scenarios share this node: never leave it closed to new instances.
            if (!"READY".equals(nodeState(stack))) {
                stack.admin().post("/api/v1/nodes/" + node(stack).get("id").asText() + "/uncordon", Map.of());
            }
        }
    }

    @Test
    void anOperatorAddsAGpuTypeThatTheCreateFormThenOffers(Ui ui, LiveStack stack) {
        String name = "T" + LiveStack.unique("gpu").replaceAll("[^A-Za-z0-9]", "").toUpperCase(java.util.Locale.ROOT);
        ui.signIn();
        ui.nav("GPU types").click();
        ui.field("GPU type name").fill(name);
        ui.field("Memory (GiB)").fill("16");
        ui.button("Add GPU type").click();
        assertThat(ui.page().getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName(name).setExact(true)))
                .isVisible();
        ui.shot("gpu-types");
        JsonNode listed = stack.admin().get("/api/v1/gpu-types").body();
        assertThat(listed.findValuesAsText("name")).contains(name);

        ui.deployments();
        ui.link("New deployment").click();
        ui.field("Resource type").selectOption("GPU");
        assertThat(ui.field("GPU type").locator("option", new Locator.LocatorOptions().setHasText(name))).hasCount(1);
        ui.shot("create-offers-gpu-type");
    }

    private static JsonNode node(LiveStack stack) {
        for (JsonNode node : stack.admin().get("/api/v1/nodes").body()) {
            if ("node-a".equals(node.path("name").asText())) {
                return node;
            }
        }
        throw new AssertionError("node-a is not listed");
    }

    private static String nodeState(LiveStack stack) {
        return node(stack).path("state").asText();
    }
}
