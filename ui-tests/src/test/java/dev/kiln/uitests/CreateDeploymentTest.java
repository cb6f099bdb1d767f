package dev.kiln.uitests;

import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

@ExtendWith(Dashboard.class)
class CreateDeploymentTest {

    @Test
    void aModelUploadedThroughTheFormIsDeployedAndComesOnline(Ui ui) {
        String name = LiveStack.unique("form");
        ui.signIn().deployments();
        ui.button("New deployment").or(ui.link("New deployment")).first().click();

        ui.field("Model file").setInputFiles(LiveStack.DETECTOR);
        ui.field("Name").fill(name);
        ui.shot("form-filled");
        ui.button("Create deployment").click();

        assertThat(ui.page().getByTestId("deployment-status"))
                .hasText("ONLINE", new LocatorAssertions.HasTextOptions()
                        .setTimeout(180_000));
        ui.shot("online");
        ui.deployments();
        assertThat(ui.link(name)).isVisible();
        assertThat(ui.page().getByTestId("status-" + name)).containsText("ONLINE");
    }
}
