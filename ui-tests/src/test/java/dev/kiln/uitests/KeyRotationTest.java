package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import dev.kiln.e2e.AppProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(Dashboard.class)
class KeyRotationTest {
    private static final int GRACE_SECONDS = 3;
    /** Key changes reach the gateway within about a second (LISTEN/NOTIFY, 5 s resync as the safety net). */
    private static final Duration PROPAGATION = Duration.ofSeconds(60);

    @Test
    void aKeyCreatedAndRotatedInTheDashboardStopsWorkingAfterItsGracePeriod(Ui ui, LiveStack stack) {
        String deploymentId = stack.onlineDeployment(LiveStack.unique("keys"));
        String keyName = LiveStack.unique("rotated");
        ui.signIn();
        ui.nav("Secrets").click();
        ui.shot("secrets");

        ui.button("New key").click();
        ui.field("Key name").fill(keyName);
        ui.button("Create key").click();
        Locator shown = ui.page().getByTestId("new-secret");
        assertThat(shown).isVisible();
        String oldSecret = shown.innerText().strip();
        ui.shot("created");
        assertThat(awaitStatus(stack, deploymentId, oldSecret, 200)).isEqualTo(200);

        Locator row = ui.page().getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(keyName));
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rotate").setExact(true)).click();
        ui.field("Grace period (seconds)").fill(String.valueOf(GRACE_SECONDS));
        ui.shot("rotate-dialog");
        ui.button("Rotate key").click();
        assertThat(shown).not().hasText(oldSecret);
        String newSecret = shown.innerText().strip();
        ui.shot("rotated");

        JsonNode key = key(stack, keyName);
        assertThat(Duration.between(Instant.parse(key.path("rotatedAt").asText()),
                Instant.parse(key.path("previousValidUntil").asText()))).isEqualTo(Duration.ofSeconds(GRACE_SECONDS));
        assertThat(newSecret).isNotBlank().isNotEqualTo(oldSecret);
        assertThat(awaitStatus(stack, deploymentId, newSecret, 200)).isEqualTo(200);
        assertThat(awaitStatus(stack, deploymentId, oldSecret, 401)).isEqualTo(401);
        assertThat(stack.admin().predict(deploymentId, newSecret, SampleImage.jpeg()).status()).isEqualTo(200);
    }

    private static JsonNode key(LiveStack stack, String name) {
        for (JsonNode key : stack.admin().get("/api/v1/projects/" + stack.projectId() + "/keys").body()) {
            if (name.equals(key.path("name").asText())) {
                return key;
            }
        }
        throw new AssertionError("no key named " + name);
    }

    /** Predicts with the secret until the gateway answers {@code expected} (or the propagation time is over). */
    private static int awaitStatus(LiveStack stack, String deploymentId, String secret, int expected) {
        Instant deadline = Instant.now().plus(PROPAGATION);
        int status;
        do {
            status = stack.admin().predict(deploymentId, secret, SampleImage.jpeg()).status();
            if (status == expected) {
                return status;
            }
            AppProcess.sleep(250);
        } while (Instant.now().isBefore(deadline));
        return status;
    }
}
