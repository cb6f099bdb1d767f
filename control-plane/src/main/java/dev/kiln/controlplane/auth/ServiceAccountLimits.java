package dev.kiln.controlplane.auth;

import io.micronaut.http.HttpMethod;

import java.util.regex.Pattern;

/**
 * What a service account may never do, whatever its role: anything about people and accounts (users, passwords,
 * members, invitations), creating organizations, and managing service accounts or their tokens, so a leaked
 * token cannot mint more tokens or let a person in.
 */
final class ServiceAccountLimits {

    static final String REFUSED = "A service account cannot manage people, passwords, invitations, "
            + "organizations or service accounts.";

    private static final Pattern ALWAYS = Pattern.compile(
            "/api/v1/(users|me/password|me/invitations|invitations|password-resets)(/.*)?"
                    + "|/api/v1/organizations/[^/]+/service-accounts(/.*)?");
    private static final Pattern WRITES = Pattern.compile(
            "/api/v1/organizations|/api/v1/organizations/[^/]+/(members|invitations)(/.*)?");

    private ServiceAccountLimits() {
    }

    static boolean refused(HttpMethod method, String path) {
        String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (ALWAYS.matcher(normalized).matches()) {
            return true;
        }
        return method != HttpMethod.GET && method != HttpMethod.HEAD && WRITES.matcher(normalized).matches();
    }
}
