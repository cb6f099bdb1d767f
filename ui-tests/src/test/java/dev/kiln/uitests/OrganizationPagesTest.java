package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, "Browser tests": an admin changes a member's role and removes them on the Members page, and the Audit
 * log page shows both changes with who made them.
 */
@ExtendWith(Dashboard.class)
class OrganizationPagesTest {

    @Test
    void anAdminChangesAMembersRoleAndRemovesThemAndTheAuditLogShowsBoth(Ui ui, LiveStack stack) {
        String orgId = stack.organizationId();
        String email = member(stack, orgId, "VIEWER");

        ui.signIn();
        ui.nav("Members").click();
        Locator role = ui.field("Role of " + email);
        assertThat(role).hasValue("VIEWER");
        role.selectOption("MEMBER");
        assertThat(role).hasValue("MEMBER");
        ui.shot("role-changed");
        assertThat(roleOf(stack, orgId, email)).isEqualTo("MEMBER");

        ui.page().getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(email))
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove")).click();
        ui.button("Remove member").click();
        assertThat(ui.page().getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(email)))
                .hasCount(0);
        assertThat(roleOf(stack, orgId, email)).isNull();

        ui.nav("Audit log").click();
        Locator rows = ui.page().getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(email));
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("member.role_change"))).containsText("to: MEMBER");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("member.remove"))).hasCount(1);
        ui.shot("audit");
    }

    /** An account that joined the organization by accepting an invitation, over the API. */
    private static String member(LiveStack stack, String orgId, String role) {
        String password = "Member-password-1";
        String email = stack.userWithPassword(password);
        Api.Reply invited = stack.admin().post("/api/v1/organizations/" + orgId + "/invitations",
                Map.of("email", email, "role", role));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);
        Api invitee = new Api(stack.url()).login(email, password);
        String invitationId = invited.body().get("id").asText();
        assertThat(invitee.post("/api/v1/me/invitations/" + invitationId + "/accept", Map.of()).status())
                .isEqualTo(200);
        return email;
    }

    private static String roleOf(LiveStack stack, String orgId, String email) {
        for (JsonNode m : stack.admin().get("/api/v1/organizations/" + orgId + "/members").body()) {
            if (email.equals(m.path("email").asText())) {
                return m.path("role").asText();
            }
        }
        return null;
    }
}
