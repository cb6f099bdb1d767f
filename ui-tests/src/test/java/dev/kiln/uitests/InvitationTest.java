package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.kiln.e2e.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: people join by invitation. The UI stack has no SMTP, so the invitation is not mailed: the invited
 * person (an account the operator created) accepts it from "Invitations for you" after signing in. The link page
 * ({@code #/accept-invitation/<token>}) is covered by the dashboard's component tests.
 */
@ExtendWith(Dashboard.class)
class InvitationTest {

    @Test
    void anAdminInvitesAnExistingUserWhoAcceptsFromTheirPendingList(Ui ui, LiveStack stack) {
        String email = stack.userWithPassword("Invited-password-1");
        String orgId = stack.organizationId();

        ui.signIn();
        ui.nav("Members").click();
        ui.button("Invite").click();
        ui.field("Email to invite").fill(email);
        ui.field("Role").selectOption("VIEWER");
        ui.shot("invite");
        ui.button("Send invitation").click();
        assertThat(ui.page().getByText(email + " is invited.")).isVisible();
        assertThat(ui.page().getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(email))).containsText("VIEWER");
        ui.shot("pending");

        ui.button("Sign out").click();
        ui.signIn(email, "Invited-password-1");
        Locator invitation = ui.page().getByRole(AriaRole.LISTITEM, new Page.GetByRoleOptions().setName("Invitation to "));
        assertThat(invitation).isVisible();
        ui.shot("invitations-for-you");
        invitation.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Accept").setExact(true)).click();

        assertThat(invitation).hasCount(0);
        assertThat(ui.page().getByRole(AriaRole.COMBOBOX, new Page.GetByRoleOptions().setName("Organization")))
                .not().isDisabled();
        ui.shot("joined");
        // A fresh admin session: signing out above may have ended every session of the admin.
        Api admin = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        JsonNode members = admin.get("/api/v1/organizations/" + orgId + "/members").body();
        JsonNode joined = null;
        for (JsonNode m : members) {
            if (email.equals(m.path("email").asText())) {
                joined = m;
            }
        }
        assertThat(joined).as("the invited user among the members").isNotNull();
        assertThat(joined.path("role").asText()).isEqualTo("VIEWER");
    }

    @Test
    void anAdminRevokesAPendingInvitation(Ui ui, LiveStack stack) {
        String email = LiveStack.unique("nobody") + "@example.com";
        String orgId = stack.organizationId();
        ui.signIn();
        ui.nav("Members").click();
        ui.button("Invite").click();
        ui.field("Email to invite").fill(email);
        ui.button("Send invitation").click();

        ui.button("Revoke invitation of " + email).click();

        assertThat(ui.button("Revoke invitation of " + email)).hasCount(0);
        ui.shot("revoked");
        JsonNode pending = stack.admin().get("/api/v1/organizations/" + orgId + "/invitations").body();
        assertThat(pending.findValuesAsText("email")).doesNotContain(email);
    }
}
