package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.cli.config.ServerCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "login", description = "Sign in (email and password, or a service-account token); the credentials are"
        + " kept in $XDG_CONFIG_HOME/kiln/credentials.json (~/.config/kiln/…), mode 600.")
final class LoginCommand implements Callable<Integer> {
    private static final String TOKEN_PREFIX = "kiln_sat_";

    @ParentCommand
    KilnCli root;

    @Option(names = "--email", description = "account email (asked on the terminal when not given)")
    String email;

    @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
    boolean passwordStdin;

    @Option(names = "--token", paramLabel = "kiln_sat_…", description = "a service-account token instead of a password")
    String token;

    @Override
    public Integer call() {
        Context context = root.context();
        if (token != null) {
            return withToken(context);
        }
        String account = email != null ? email : prompt(context);
        String password = passwordStdin ? firstLine(context) : askPassword(context);
        HttpResponse<String> answer = context.anonymous().anonymousPost("/api/v1/auth/login",
                Map.of("username", account, "password", password));
        if (answer.statusCode() != 200) {
            throw KilnClient.failure(answer);
        }
        JsonNode tokens = Json.parse(answer.body());
        context.signIn(new ServerCredentials(ServerCredentials.PASSWORD, account, Json.text(tokens, "access_token"),
                Json.text(tokens, "refresh_token"), null, null));
        return report(context, ServerCredentials.PASSWORD, account);
    }

    private int withToken(Context context) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            throw CliException.usage("a service-account token starts with " + TOKEN_PREFIX);
        }
        JsonNode orgs = context.anonymous().withAuth(KilnClient.bearer(token)).get("/api/v1/organizations").json();
        String account = "a service account of " + orgs.path(0).path("name").asText("?");
        context.signIn(new ServerCredentials(ServerCredentials.SERVICE_ACCOUNT, account, token, null,
                orgs.path(0).path("id").asText(null), null));
        return report(context, ServerCredentials.SERVICE_ACCOUNT, account);
    }

    private static int report(Context context, String kind, String account) {
        if (context.json()) {
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put("server", context.server());
            shown.put("kind", kind);
            shown.put("account", account);
            context.out().println(Json.write(shown));
        } else {
            context.out().println("signed in to " + context.server() + " as " + account);
        }
        return ExitCode.OK;
    }

    private static String prompt(Context context) {
        if (context.io().console() == null) {
            throw CliException.usage("no terminal to ask for the email: pass --email");
        }
        String answer = context.io().console().readLine("Email: ");
        if (answer == null || answer.isBlank()) {
            throw CliException.usage("no email given");
        }
        return answer.strip();
    }

    private static String askPassword(Context context) {
        if (context.io().console() == null) {
            throw CliException.usage("no terminal to ask for the password: pass --password-stdin");
        }
        char[] password = context.io().console().readPassword("Password: ");
        if (password == null) {
            throw CliException.usage("no password given");
        }
        return new String(password);
    }

    private static String firstLine(Context context) {
        try {
            String line = new BufferedReader(new InputStreamReader(context.io().in(), StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw CliException.usage("--password-stdin: standard input is empty");
            }
            return line;
        } catch (IOException e) {
            throw CliException.usage("--password-stdin: " + e.getMessage());
        }
    }
}
