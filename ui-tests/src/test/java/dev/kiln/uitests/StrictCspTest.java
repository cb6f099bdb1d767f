package dev.kiln.uitests;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.FilePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard works under the strict policy the control plane serves it with (DESIGN §8): the page is loaded with
 * {@code Content-Security-Policy: default-src 'self'} added here, so the test holds whether or not the server sends
 * one. Chromium reports every refused script, style or image as a console error, and {@link Dashboard} fails a test
 * whose page logged one.
 */
@ExtendWith(Dashboard.class)
class StrictCspTest {
    private static final String POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    private static final String CANVAS_PAINTED = """
            () => { const c = document.querySelector('canvas.picture');
                    return !!c && c.width > 1 && c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data[3] > 0; }
            """;

    @Test
    void everyPageRunsUnderAStrictContentSecurityPolicy(Ui ui, LiveStack stack) {
        String deployment = LiveStack.unique("csp");
        stack.onlineDeployment(deployment);
        ui.page().route("**/*", StrictCspTest::withPolicyOnDocuments);

        ui.signIn();
        for (String page : new String[] {"Members", "Usage", "Users", "Secrets", "Audit log", "Nodes", "GPU types"}) {
            ui.nav(page).click();
            assertThat(ui.page().locator("main h1").first()).isVisible();
            ui.shot(page);
        }
        ui.openDeployment(deployment);
        assertThat(ui.page().locator(".uplot").first()).isVisible();

        ui.tab("Evaluation");
        ui.field("Image").setInputFiles(new FilePayload("image.jpg", "image/jpeg", SampleImage.jpeg()));
        assertThat(ui.page().getByTestId("evaluation-canvas")).isVisible();
        assertThat(ui.page().waitForFunction(CANVAS_PAINTED).jsonValue())
                .as("the chosen image painted on the evaluation canvas").isEqualTo(true);
        ui.shot("evaluation-preview");

        ui.page().locator(".who").click();
        assertThat(ui.field("Current password")).isVisible();
        ui.shot("account");
    }

    private static void withPolicyOnDocuments(Route route) {
        if (!"document".equals(route.request().resourceType())) {
            route.resume();
            return;
        }
        APIResponse response = route.fetch();
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.put("content-security-policy", POLICY);
        route.fulfill(new Route.FulfillOptions().setResponse(response).setHeaders(headers));
    }
}
