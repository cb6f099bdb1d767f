package dev.kiln.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the CLI signs in to one server, and the organization and project last chosen there.
 *
 * @param kind         {@code password} (a session: access and refresh token) or {@code service-account}
 *                     (a {@code kiln_sat_} token in {@code accessToken}, no refresh token)
 * @param account      the email signed in with, or the token's prefix
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerCredentials(String kind, String account, String accessToken, String refreshToken,
                                String organizationId, String projectId) {

    public static final String PASSWORD = "password";
    public static final String SERVICE_ACCOUNT = "service-account";

    public ServerCredentials withTokens(String access, String refresh) {
        return new ServerCredentials(kind, account, access, refresh, organizationId, projectId);
    }

    public ServerCredentials withOrganization(String organization) {
        return new ServerCredentials(kind, account, accessToken, refreshToken, organization, projectId);
    }

    public ServerCredentials withProject(String organization, String project) {
        return new ServerCredentials(kind, account, accessToken, refreshToken, organization, project);
    }
}
