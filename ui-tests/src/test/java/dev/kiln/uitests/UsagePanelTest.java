package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Locale;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 14: the organization's usage of each quota, and an operator changing a limit. */
@ExtendWith(Dashboard.class)
class UsagePanelTest {

    @Test
    void theUsagePanelShowsEachQuotaAndAnOperatorChangesALimit(Ui ui, LiveStack stack) {
        String path = "/api/v1/organizations/" + stack.organizationId() + "/quotas";
        JsonNode deployments = quota(stack.admin().get(path).body(), "deployments");
        ui.signIn();
        ui.nav("Usage").click();
        for (String name : new String[] {"instances", "gpus", "deployments", "keys", "modelStorageBytes"}) {
            assertThat(ui.page().getByTestId("quota-" + name)).isVisible();
        }
        assertThat(ui.page().getByTestId("quota-deployments")).containsText(
                grouped(deployments.path("used").asLong()) + " / " + grouped(deployments.path("limit").asLong()));
        ui.shot("usage");

        long raised = deployments.path("limit").asLong() + 7;
        try {
            ui.button("Edit limits").click();
            ui.field("Deployments limit").fill(String.valueOf(raised));
            ui.shot("edit-limits");
            ui.button("Save limits").click();

            assertThat(ui.page().getByTestId("quota-deployments")).containsText(" / " + grouped(raised));
            ui.shot("limit-changed");
            assertThat(quota(stack.admin().get(path).body(), "deployments").path("limit").asLong()).isEqualTo(raised);
        } finally {
            stack.admin().patch(path, Map.of("deployments", deployments.path("limit").asLong()));
        }
    }

    /** A count as the page shows it: 100,000. */
    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static JsonNode quota(JsonNode quotas, String name) {
        for (JsonNode q : quotas.path("quotas")) {
            if (name.equals(q.path("name").asText())) {
                return q;
            }
        }
        throw new AssertionError("no quota " + name + " in " + quotas);
    }
}
