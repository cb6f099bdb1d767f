package dev.kiln.uitests;

import com.microsoft.playwright.Locator;
import dev.kiln.e2e.AppProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(Dashboard.class)
class DeleteDeploymentTest {

    @Test
    void theDeleteButtonStaysDisabledUntilTheDeploymentsNameIsTyped(Ui ui, LiveStack stack) {
        String name = LiveStack.unique("doomed");
        String deploymentId = stack.onlineDeployment(name);
        ui.signIn().openDeployment(name).tab("Actions");

        Locator delete = ui.button("Delete deployment");
        Locator confirm = ui.field("Type the deployment name to confirm");
        assertThat(delete).isDisabled();
        confirm.fill(name + "x");
        assertThat(delete).isDisabled();
        confirm.fill(name.toUpperCase(Locale.ROOT));
        assertThat(delete).isDisabled();
        confirm.fill(name);
        assertThat(delete).isEnabled();
        ui.shot("confirmed");
        delete.click();

        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        int status;
        do {
            status = stack.admin().get("/api/v1/deployments/" + deploymentId).status();
            AppProcess.sleep(250);
        } while (status != 404 && Instant.now().isBefore(deadline));
        assertThat(status).as("the deployment is gone").isEqualTo(404);
        ui.shot("deleted");
    }
}
