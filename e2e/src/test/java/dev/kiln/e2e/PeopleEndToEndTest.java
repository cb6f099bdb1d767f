package dev.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 on real processes: two control-plane replicas on one Postgres, mail over SMTP to GreenMail in this JVM.
 * The account takeover (an admin-chosen password for someone else's address) fails at every step; people join
 * only through their own consent; sessions end on password change and on disabling, on every replica; a
 * service-account token works on both replicas until it is revoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeopleEndToEndTest {

    private static final String PUBLIC_URL = "https://kiln.example.com";

    private final GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private Stack stack;
    private Api operator;
    private String defaultOrg;

    @RegisterExtension
    final StackLogsOnFailure logsOnFailure = new StackLogsOnFailure(() -> stack);

    @BeforeAll
    void startStack() throws Exception {
        mail.start();
        stack = TestStacks.create("kiln-people").withControlPlaneEnv(Map.of(
                "KILN_SMTP_HOST", "127.0.0.1",
                "KILN_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()),
                "KILN_SMTP_FROM", "kiln@kiln.example.com",
                "KILN_PUBLIC_URL", PUBLIC_URL));
        stack.startControlPlane().startReplica();
        operator = new Api(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
        defaultOrg = operator.get("/api/v1/organizations").body().get(0).get("id").asText();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        mail.stop();
    }

    private static String email(String who) {
        return who + "-" + UUID.randomUUID() + "@example.com";
    }

    /** An account made by the operator, its temporary password already replaced by {@code password}. */
    private Api person(String email, String password) {
        assertThat(operator.post("/api/v1/users", Map.of("email", email, "temporaryPassword", "temporary pw 1"))
                .status()).isEqualTo(201);
        Api fresh = new Api(stack.url()).login(email, "temporary pw 1");
        Api.Reply changed = fresh.post("/api/v1/me/password",
                Map.of("currentPassword", "temporary pw 1", "newPassword", password));
        assertThat(changed.status()).isEqualTo(200);
        return new Api(stack.url()).login(email, password);
    }

    /** The token of the newest link of {@code kind} mailed to {@code to}, read from the received mail. */
    private String mailedToken(String to, String kind) throws Exception {
        Pattern link = Pattern.compile(Pattern.quote(PUBLIC_URL + "/#/" + kind + "/") + "([A-Za-z0-9_-]{43})");
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage message = Arrays.stream(mail.getReceivedMessagesForDomain(to))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no mail to " + to));
        Matcher matcher = link.matcher(message.getContent().toString());
        assertThat(matcher.find()).as("a %s link in the mail to %s", kind, to).isTrue();
        return matcher.group(1);
    }

    @Test
    void theTakeoverOfAnotherOrganizationsFutureMemberFailsAtEveryStep() throws Exception {
        String victim = email("victim");
        Api attacker = person(email("attacker"), "attacker password");

        assertThat(attacker.post("/api/v1/organizations", Map.of("name", "Attacker Inc")).status())
                .as("no organization of one's own to add people from").isEqualTo(403);
        assertThat(operator.post("/api/v1/organizations/" + defaultOrg + "/members",
                Map.of("email", victim, "role", "VIEWER", "password", "attacker chosen pw")).status())
                .as("not even an owner can choose someone's password").isEqualTo(400);
        assertThat(new Api(stack.url()).post("/api/v1/auth/login",
                Map.of("username", victim, "password", "attacker chosen pw")).status()).isEqualTo(401);

        // The real organization invites the address: only the mailbox's owner gets the link and sets the password.
        assertThat(operator.post("/api/v1/organizations/" + defaultOrg + "/members",
                Map.of("email", victim, "role", "ADMIN")).status()).isEqualTo(201);
        String token = mailedToken(victim, "accept-invitation");
        assertThat(attacker.post("/api/v1/invitations/accept", Map.of("token", token)).status())
                .as("another signed-in account cannot take it").isEqualTo(403);
        Api.Reply joined = new Api(stack.url()).post("/api/v1/invitations/accept",
                Map.of("token", token, "password", "the victim's own password"));
        assertThat(joined.status()).isEqualTo(200);
        assertThat(new Api(stack.url()).post("/api/v1/invitations/accept",
                Map.of("token", token, "password", "attacker chosen pw")).status()).isEqualTo(404);
        assertThat(new Api(stack.url()).login(victim, "the victim's own password")
                .get("/api/v1/organizations/" + defaultOrg).body().get("role").asText()).isEqualTo("ADMIN");
        assertThat(attacker.get("/api/v1/organizations/" + defaultOrg).status()).isEqualTo(404);
    }

    @Test
    void anExistingAccountJoinsOnlyByAcceptingWhileSignedIn() throws Exception {
        String address = email("existing");
        Api existing = person(address, "existing password");
        assertThat(operator.post("/api/v1/organizations/" + defaultOrg + "/invitations",
                Map.of("email", address, "role", "MEMBER")).body().get("delivery").asText()).isEqualTo("email");
        String token = mailedToken(address, "accept-invitation");

        assertThat(existing.get("/api/v1/organizations/" + defaultOrg).status()).isEqualTo(404);
        assertThat(new Api(stack.url()).post("/api/v1/invitations/accept",
                Map.of("token", token, "password", "a takeover password")).status()).isEqualTo(401);
        JsonNode mine = existing.get("/api/v1/me/invitations").body();
        assertThat(mine).hasSize(1);
        assertThat(existing.post("/api/v1/me/invitations/" + mine.get(0).get("id").asText() + "/accept", Map.of())
                .status()).isEqualTo(200);
        assertThat(existing.get("/api/v1/organizations/" + defaultOrg).body().get("role").asText()).isEqualTo("MEMBER");
        assertThat(new Api(stack.url()).login(address, "existing password").get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aPasswordChangeEndsEveryOtherSessionOnEveryReplica() {
        String address = email("changer");
        person(address, "first password 1");
        Api otherOnReplica = new Api(stack.replicaUrl()).login(address, "first password 1");
        Api self = new Api(stack.url()).login(address, "first password 1");
        assertThat(otherOnReplica.get("/api/v1/me").status()).isEqualTo(200);

        Api.Reply changed = self.post("/api/v1/me/password",
                Map.of("currentPassword", "first password 1", "newPassword", "second password 2"));

        assertThat(changed.status()).isEqualTo(200);
        assertThat(otherOnReplica.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(self.as(changed.body().get("access_token").asText()).get("/api/v1/me").status()).isEqualTo(200);
        assertThat(new Api(stack.replicaUrl()).post("/api/v1/auth/login",
                Map.of("username", address, "password", "first password 1")).status()).isEqualTo(401);
    }

    @Test
    void aDisabledUsersTokensStopWorkingAtOnceOnEveryReplica() {
        String address = email("disabled");
        person(address, "soon disabled pw");
        Api onA = new Api(stack.url()).login(address, "soon disabled pw");
        Api onB = new Api(stack.replicaUrl()).login(address, "soon disabled pw");
        String id = onA.get("/api/v1/me").body().get("id").asText();

        assertThat(operator.post("/api/v1/users/" + id + "/disable", Map.of()).status()).isEqualTo(200);

        // Checked against the database on every request: the very next call on either replica is refused.
        assertThat(onB.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(onA.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aServiceAccountTokenWorksOnTheManagementApiOfEveryReplicaUntilItIsRevoked() {
        String accounts = "/api/v1/organizations/" + defaultOrg + "/service-accounts";
        Api.Reply account = operator.post(accounts, Map.of("name", "ci-" + UUID.randomUUID(), "role", "MEMBER"));
        assertThat(account.status()).isEqualTo(201);
        String tokens = accounts + "/" + account.body().get("id").asText() + "/tokens";
        Api.Reply token = operator.post(tokens, Map.of("name", "pipeline"));
        assertThat(token.status()).isEqualTo(201);
        String secret = token.body().get("token").asText();
        Api robotOnA = new Api(stack.url()).as(secret);
        Api robotOnB = new Api(stack.replicaUrl()).as(secret);
        String projectId = robotOnB.get("/api/v1/organizations/" + defaultOrg + "/projects").body()
                .get(0).get("id").asText();

        Api.Reply model = robotOnA.post("/api/v1/projects/" + projectId + "/models",
                Map.of("name", "from-ci-" + UUID.randomUUID()));
        assertThat(model.status()).isEqualTo(201);
        assertThat(robotOnB.post("/api/v1/organizations/" + defaultOrg + "/projects", Map.of("name", "not mine"))
                .status()).as("a MEMBER token cannot do an ADMIN's work").isEqualTo(403);
        assertThat(robotOnA.post("/api/v1/me/password", Map.of("currentPassword", "x", "newPassword", "y long one"))
                .status()).isEqualTo(403);

        assertThat(operator.delete(tokens + "/" + token.body().get("id").asText()).status()).isEqualTo(204);

        // Looked up in the database on every request: the very next call on either replica is refused.
        assertThat(robotOnB.get("/api/v1/organizations/" + defaultOrg + "/projects").status()).isEqualTo(401);
        assertThat(robotOnA.get("/api/v1/models/" + model.body().get("id").asText()).status()).isEqualTo(401);
        assertThat(operator.get("/api/v1/audit?organizationId=" + defaultOrg).body().get("items").toString())
                .contains("service-account.token.revoke").contains("model.create");
    }
}
