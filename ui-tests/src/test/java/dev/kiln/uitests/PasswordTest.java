package dev.kiln.uitests;

import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13: a temporary password is replaced at first sign-in; everyone changes their own password. */
@ExtendWith(Dashboard.class)
class PasswordTest {

    @Test
    void aUserWithATemporaryPasswordSeesOnlyThePasswordFormUntilTheyChooseTheirOwn(Ui ui, LiveStack stack) {
        String email = stack.newUser("Temporary-pass-1");

        ui.signIn(email, "Temporary-pass-1");
        assertThat(ui.page().getByText("signed in with a temporary password")).isVisible();
        assertThat(ui.page().getByRole(AriaRole.NAVIGATION)).hasCount(0);
        ui.shot("forced-change");

        ui.field("Current password").fill("Temporary-pass-1");
        ui.field("New password").fill("My-own-password-1");
        ui.field("New password again").fill("My-own-password-1");
        ui.button("Change password").click();

        assertThat(ui.nav("Deployments")).isVisible();
        ui.shot("after-change");
        Api own = new Api(stack.url()).login(email, "My-own-password-1");
        assertThat(own.get("/api/v1/me").body().path("mustChangePassword").asBoolean()).isFalse();
        assertThat(own.loginStatus(email, "Temporary-pass-1")).isEqualTo(401);
    }

    @Test
    void aSignedInUserChangesTheirPasswordOnTheAccountPage(Ui ui, LiveStack stack) {
        String email = stack.userWithPassword("First-password-1");
        ui.signIn(email, "First-password-1");

        ui.link(email).click();
        assertThat(ui.page().getByRole(AriaRole.HEADING, new com.microsoft.playwright.Page.GetByRoleOptions().setName("Account"))).isVisible();
        ui.field("Current password").fill("First-password-1");
        ui.field("New password").fill("Second-password-2");
        ui.field("New password again").fill("Second-password-2");
        ui.shot("account");
        ui.button("Change password").click();

        assertThat(ui.page().getByText("Your password is changed.")).isVisible();
        ui.shot("changed");
        Api api = new Api(stack.url());
        assertThat(api.loginStatus(email, "Second-password-2")).isEqualTo(200);
        assertThat(api.loginStatus(email, "First-password-1")).isEqualTo(401);
    }
}
