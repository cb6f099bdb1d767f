package dev.kiln.controlplane.people;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import dev.kiln.controlplane.support.Tenants;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Invitation and reset links delivered over real SMTP (GreenMail in this JVM) and followed as a person would. */
@MicronautTest(transactional = false)
class MailedLinksTest extends ApiTest {

    private static final String BASE = "https://kiln.example.com";
    private static GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    static {
        mail.start();
    }

    @Inject
    Tenants tenants;
    @Inject
    UserRepository users;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("kiln.smtp.host", "127.0.0.1");
        properties.put("kiln.smtp.port", Integer.toString(mail.getSmtp().getPort()));
        properties.put("kiln.smtp.from", "kiln@kiln.example.com");
        properties.put("kiln.public-url", BASE);
        return properties;
    }

    @AfterAll
    static void stopMail() {
        mail.stop();
    }

    /** The token of the last link of {@code kind} mailed to {@code to}. */
    private static String mailedToken(String to, String kind) throws Exception {
        Pattern link = Pattern.compile(Pattern.quote(BASE + "/#/" + kind + "/") + "([A-Za-z0-9_-]{43})");
        mail.waitForIncomingEmail(5_000, 1);
        MimeMessage message = Arrays.stream(mail.getReceivedMessages())
                .filter(m -> {
                    try {
                        return m.getAllRecipients()[0].toString().equalsIgnoreCase(to);
                    } catch (Exception e) {
                        return false;
                    }
                })
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no mail to " + to));
        Matcher matcher = link.matcher(message.getContent().toString());
        assertThat(matcher.find()).as("a %s link in the mail", kind).isTrue();
        return matcher.group(1);
    }

    private static String email() {
        return "mailed-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void anInvitationLinkCreatesTheAccountWithThePasswordTheInviteeChoosesOnce() throws Exception {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        String email = email();
        Api.Response invited = anonymous.login(org.user().email(), Tenants.PASSWORD)
                .post("/api/v1/organizations/" + org.organization().id() + "/invitations",
                        Map.of("email", email, "role", "MEMBER"));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        assertThat(invited.map()).containsEntry("delivery", "email");
        String token = mailedToken(email, "accept-invitation");

        assertThat(anonymous.post("/api/v1/invitations/preview", Map.of("token", token)).map())
                .containsEntry("email", email).containsEntry("role", "MEMBER").containsEntry("accountExists", false)
                .containsEntry("organizationName", org.organization().name());
        assertThat(anonymous.post("/api/v1/invitations/accept", Map.of("token", token, "password", "short"))
                .status()).isEqualTo(400);
        Api.Response accepted = anonymous.post("/api/v1/invitations/accept",
                Map.of("token", token, "password", "the invitee's own password"));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.map()).containsEntry("role", "MEMBER").containsEntry("email", email);
        assertThat(anonymous.login(email, "the invitee's own password")
                .get("/api/v1/organizations/" + org.organization().id()).map()).containsEntry("role", "MEMBER");
        assertThat(anonymous.post("/api/v1/invitations/accept",
                Map.of("token", token, "password", "a takeover password")).status()).isEqualTo(404);
        assertThat(anonymous.post("/api/v1/invitations/preview", Map.of("token", token)).status()).isEqualTo(404);
    }

    @Test
    void anExistingAccountAcceptsALinkOnlyWhileSignedInAsItself() throws Exception {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        User invitee = tenants.create(Role.OWNER).user();
        User other = tenants.create(Role.OWNER).user();
        anonymous.login(org.user().email(), Tenants.PASSWORD).post("/api/v1/organizations/"
                + org.organization().id() + "/invitations", Map.of("email", invitee.email(), "role", "VIEWER"));
        String token = mailedToken(invitee.email(), "accept-invitation");

        assertThat(anonymous.post("/api/v1/invitations/preview", Map.of("token", token)).map())
                .containsEntry("accountExists", true);
        assertThat(anonymous.post("/api/v1/invitations/accept", Map.of("token", token, "password",
                "a takeover password")).status()).isEqualTo(401);
        assertThat(anonymous.login(other.email(), Tenants.PASSWORD).post("/api/v1/invitations/accept",
                Map.of("token", token)).status()).isEqualTo(403);
        Api self = anonymous.login(invitee.email(), Tenants.PASSWORD);
        assertThat(self.post("/api/v1/invitations/accept", Map.of("token", token, "password", "a new password 1"))
                .status()).isEqualTo(400);

        Api.Response accepted = self.post("/api/v1/invitations/accept", Map.of("token", token));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(anonymous.login(invitee.email(), Tenants.PASSWORD).get("/api/v1/organizations/"
                + org.organization().id()).map()).containsEntry("role", "VIEWER");
    }

    @Test
    void aResetLinkSetsTheUsersOwnPasswordOnceAndEndsTheirSessions() throws Exception {
        User user = tenants.create(Role.OWNER).user();
        Api before = anonymous.login(user.email(), Tenants.PASSWORD);

        Api.Response reset = admin.post("/api/v1/users/" + user.id() + "/reset-password", Map.of());

        assertThat(reset.status()).as(reset.body()).isEqualTo(202);
        assertThat(reset.map()).containsEntry("delivery", "email");
        String token = mailedToken(user.email(), "reset-password");
        assertThat(anonymous.post("/api/v1/password-resets/accept", Map.of("token", token, "newPassword", "tiny"))
                .status()).isEqualTo(400);
        assertThat(anonymous.post("/api/v1/password-resets/accept",
                Map.of("token", token, "newPassword", "chosen after a reset")).status()).isEqualTo(204);
        assertThat(before.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(anonymous.login(user.email(), "chosen after a reset").get("/api/v1/me").map())
                .containsEntry("mustChangePassword", false);
        assertThat(anonymous.post("/api/v1/password-resets/accept",
                Map.of("token", token, "newPassword", "chosen by an attacker")).status()).isEqualTo(404);
    }

    @Test
    void whenTheMailServerIsDownTheInviteIs502AndNoInvitationIsLeft() {
        Tenants.Tenant org = tenants.create(Role.OWNER);
        Api owner = anonymous.login(org.user().email(), Tenants.PASSWORD);
        String path = "/api/v1/organizations/" + org.organization().id() + "/invitations";
        int port = mail.getSmtp().getPort();
        mail.stop();
        try {
            Api.Response invited = owner.post(path, Map.of("email", email(), "role", "MEMBER"));

            assertThat(invited.status()).as(invited.body()).isEqualTo(502);
            assertThat(invited.get("message")).contains("no invitation was made");
            assertThat(owner.get(path).list()).isEmpty();
        } finally {
            // Back on the same port, where the control plane sends.
            mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            mail.start();
        }
    }
}
