package dev.kiln.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of {@code credentials.json}: the server last signed in to, and the credentials of each server by its
 * base URL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CliConfig(String server, Map<String, ServerCredentials> servers) {

    public CliConfig {
        servers = servers == null ? Map.of() : Map.copyOf(servers);
    }

    public static CliConfig empty() {
        return new CliConfig(null, Map.of());
    }

    public ServerCredentials credentials(String serverUrl) {
        return servers.get(serverUrl);
    }

    /** This config with the server's credentials replaced; {@code makeDefault} makes it the server to use. */
    public CliConfig with(String serverUrl, ServerCredentials credentials, boolean makeDefault) {
        Map<String, ServerCredentials> all = new LinkedHashMap<>(servers);
        all.put(serverUrl, credentials);
        return new CliConfig(makeDefault ? serverUrl : server, all);
    }
}
