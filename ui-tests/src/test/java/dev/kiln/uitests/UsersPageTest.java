package dev.kiln.uitests;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13: the operator's users page; without SMTP a temporary password is shown to the operator once. */
@ExtendWith(Dashboard.class)
class UsersPageTest {

    @Test
    void anOperatorCreatesAUserWhoseTemporaryPasswordIsShownOnceAndSignsIn(Ui ui, LiveStack stack) {
        String email = LiveStack.unique("new") + "@example.com";
        ui.signIn();
        ui.nav("Users").click();
        ui.button("New user").click();
        ui.field("User email").fill(email);
        ui.button("Create user").click();

        Locator shown = ui.page().getByTestId("temporary-password");
        assertThat(shown).isVisible();
        String temporary = shown.textContent().trim();
        assertThat(row(ui, email)).containsText("must change password");
        ui.shot("created");
        ui.button("I have stored it").click();
        assertThat(ui.page().getByText(temporary)).hasCount(0);

        Api user = new Api(stack.url()).login(email, temporary);
        assertThat(user.get("/api/v1/me").body().path("mustChangePassword").asBoolean()).isTrue();
    }

    @Test
    void anOperatorDisablesEnablesAndResetsAUser(Ui ui, LiveStack stack) {
        String email = stack.userWithPassword("Users-page-pass-1");
        Api api = new Api(stack.url());
        ui.signIn();
        ui.nav("Users").click();

        ui.button("Disable " + email).click();
        assertThat(row(ui, email)).containsText("DISABLED");
        ui.shot("disabled");
        assertThat(api.loginStatus(email, "Users-page-pass-1")).isIn(401, 403);

        ui.button("Enable " + email).click();
        assertThat(row(ui, email)).containsText("ACTIVE");
        assertThat(api.loginStatus(email, "Users-page-pass-1")).isEqualTo(200);

        ui.button("Reset password of " + email).click();
        ui.page().getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Reset password").setExact(true)).click();
        Locator shown = ui.page().getByTestId("temporary-password");
        assertThat(shown).isVisible();
        ui.shot("reset");
        assertThat(api.loginStatus(email, shown.textContent().trim())).isEqualTo(200);
        assertThat(api.loginStatus(email, "Users-page-pass-1")).isEqualTo(401);
    }

    private static Locator row(Ui ui, String email) {
        return ui.page().getByRole(AriaRole.ROW, new Page.GetByRoleOptions().setName(email));
    }
}
