package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.cli.config.CliConfig;
import dev.kiln.cli.config.ConfigStore;
import dev.kiln.cli.config.ServerCredentials;

import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What one command run works with: the server (--server, KILN_SERVER, the one last signed in to, else the local
 * stack), its stored credentials, the output format, and the organization and project to act in.
 */
final class Context {
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    private final Io io;
    private final Output output;
    private final ConfigStore store;
    private final String server;

    Context(Io io, String serverOption, Output output) {
        this.io = io;
        this.output = output;
        this.store = ConfigStore.locate(io.env());
        String chosen = serverOption != null ? serverOption : io.env("KILN_SERVER");
        if (chosen == null) {
            chosen = store.load().server();
        }
        this.server = normalize(chosen == null ? DEFAULT_SERVER : chosen);
    }

    static String normalize(String url) {
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
            throw CliException.usage("the server must be an http:// or https:// URL: " + url);
        }
        return trimmed;
    }

    Io io() {
        return io;
    }

    PrintWriter out() {
        return io.out();
    }

    PrintWriter err() {
        return io.err();
    }

    boolean json() {
        return output == Output.JSON;
    }

    String server() {
        return server;
    }

    KilnClient anonymous() {
        return new KilnClient(server, KilnClient.ANONYMOUS);
    }

    /** A client with the stored credentials of this server; a session is renewed once after a 401. */
    KilnClient signedIn() {
        credentials();
        return new KilnClient(server, new Session());
    }

    ServerCredentials credentials() {
        ServerCredentials credentials = store.load().credentials(server);
        if (credentials == null) {
            throw new CliException(ExitCode.NOT_SIGNED_IN, "not signed in to " + server + "; run: kiln login --server "
                    + server);
        }
        return credentials;
    }

    /** Stores credentials for this server and makes it the default one. */
    void signIn(ServerCredentials credentials) {
        store.save(store.load().with(server, credentials, true));
    }

    private void update(UnaryOperator<ServerCredentials> change) {
        CliConfig config = store.load();
        store.save(config.with(server, change.apply(credentials()), false));
    }

    /** The organization named (id or name), else the one last chosen, else the only one; remembered. */
    Choice.Named organization(KilnClient client, String wanted) {
        String remembered = credentials().organizationId();
        if (wanted == null && remembered != null) {
            return new Choice.Named(remembered, remembered, null);
        }
        Choice.Named org = Choice.one("organization", organizations(client), wanted, "--org");
        update(c -> c.withOrganization(org.id()));
        return org;
    }

    /** The project named (id or name; within --org when given), else the one last chosen, else the only one. */
    Choice.Named project(KilnClient client, String wanted, String org) {
        ServerCredentials credentials = credentials();
        if (wanted == null && org == null && credentials.projectId() != null) {
            return new Choice.Named(credentials.projectId(), credentials.projectId(), credentials.organizationId());
        }
        List<Choice.Named> orgs = organizations(client);
        if (org != null) {
            orgs = List.of(Choice.one("organization", orgs, org, "--org"));
        }
        List<Choice.Named> projects = new ArrayList<>();
        for (Choice.Named o : orgs) {
            for (JsonNode p : client.get("/api/v1/organizations/" + o.id() + "/projects").json()) {
                projects.add(new Choice.Named(p.path("id").asText(), p.path("name").asText(), o.id()));
            }
        }
        Choice.Named project = Choice.one("project", projects, wanted, "--project");
        update(c -> c.withProject(project.parentId(), project.id()));
        return project;
    }

    private static List<Choice.Named> organizations(KilnClient client) {
        List<Choice.Named> orgs = new ArrayList<>();
        for (JsonNode o : client.get("/api/v1/organizations").json()) {
            orgs.add(new Choice.Named(o.path("id").asText(), o.path("name").asText(), null));
        }
        return orgs;
    }

    /** Renews an expired access token with the refresh token, once, and stores the new pair. */
    private final class Session implements KilnClient.Auth {
        @Override
        public String bearer() {
            return credentials().accessToken();
        }

        @Override
        public boolean renew(KilnClient client) {
            String refresh = credentials().refreshToken();
            if (refresh == null) {
                return false;
            }
            HttpResponse<String> answer = client.anonymousPost("/api/v1/auth/refresh",
                    Map.of("refresh_token", refresh));
            if (answer.statusCode() != 200) {
                return false;
            }
            JsonNode tokens = Json.parse(answer.body());
            update(c -> c.withTokens(Json.text(tokens, "access_token"), Json.text(tokens, "refresh_token")));
            return true;
        }
    }
}
