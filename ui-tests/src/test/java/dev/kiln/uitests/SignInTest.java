package dev.kiln.uitests;

import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(Dashboard.class)
class SignInTest {

    @Test
    void aSignedInUserSeesTheDeploymentsOfTheirProjectAndCanSignOut(Ui ui) {
        ui.signIn().deployments();

        Page page = ui.page();
        assertThat(page.getByRole(AriaRole.COMBOBOX, new Page.GetByRoleOptions().setName("Organization"))).isVisible();
        assertThat(page.getByRole(AriaRole.COMBOBOX, new Page.GetByRoleOptions().setName("Project"))).isVisible();
        for (String nav : new String[] {"Deployments", "Secrets", "Members", "Audit log"}) {
            assertThat(ui.nav(nav)).isVisible();
        }

        ui.button("Sign out").click();

        assertThat(ui.field("Email")).isVisible();
        assertThat(ui.button("Sign out")).hasCount(0);
        ui.shot("signed-out");
    }

    @Test
    void atAPhoneWidthTheDeploymentsPageDoesNotScrollSideways(Ui ui, LiveStack stack) {
        stack.onlineDeployment(LiveStack.unique("phone"));
        ui.page().setViewportSize(390, 844);
        ui.signIn().deployments();

        Object overflow = ui.page().evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).as("pixels beyond the viewport's width").isLessThanOrEqualTo(0);
    }
}
