package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.kiln.e2e.Stack;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: an invitation for a new address is mailed over SMTP; its link opens the dashboard's accept page, where
 * the invitee chooses their own password and is signed in as a member of the organization.
 */
@ExtendWith(Dashboard.class)
class InvitationLinkTest {

    @Test
    void theMailedLinkLetsTheInviteeChooseTheirOwnPasswordAndJoin(Ui ui, LiveStack stack) throws Exception {
        String email = LiveStack.unique("invitee") + "@example.com";
        String orgId = stack.organizationId();
        Api admin = new Api(stack.mailingUrl()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        Api.Reply invited = admin.post("/api/v1/organizations/" + orgId + "/invitations",
                Map.of("email", email, "role", "MEMBER"));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);

        String link = mailedLink(stack, email);
        ui.page().navigate(link);
        assertThat(ui.page().getByRole(AriaRole.HEADING,
                new Page.GetByRoleOptions().setName("Join "))).isVisible();
        assertThat(ui.page().getByText(email)).isVisible();
        ui.shot("accept-page");
        ui.field("Choose a password").fill("Own-password-42");
        ui.field("Password again").fill("Own-password-42");
        ui.button("Create account and join").click();

        assertThat(ui.button("Sign out")).isVisible();
        ui.shot("joined");
        Api invitee = new Api(stack.url()).login(email, "Own-password-42");
        assertThat(invitee.get("/api/v1/me").status()).isEqualTo(200);
        JsonNode members = stack.admin().get("/api/v1/organizations/" + orgId + "/members").body();
        assertThat(members.findValuesAsText("email")).contains(email);
        // The link works once (asked over the API: the page's failed request would be a console error).
        String token = link.substring(link.lastIndexOf('/') + 1);
        assertThat(new Api(stack.url()).post("/api/v1/invitations/preview", Map.of("token", token)).status())
                .isEqualTo(404);
    }

    private static String mailedLink(LiveStack stack, String to) throws Exception {
        Pattern pattern = Pattern.compile(Pattern.quote(stack.mailingUrl() + "/#/accept-invitation/") + "[A-Za-z0-9_-]{43}");
        assertThat(stack.mail().waitForIncomingEmail(15_000, 1)).as("an invitation mail arrives").isTrue();
        for (MimeMessage message : stack.mail().getReceivedMessages()) {
            boolean forInvitee = Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().equals(to));
            Matcher matcher = pattern.matcher(message.getContent().toString());
            if (forInvitee && matcher.find()) {
                return matcher.group();
            }
        }
        throw new AssertionError("no invitation link mailed to " + to);
    }
}
