package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.common.InvalidInputException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The base URL clients reach the gateway at, for the predict URL shown in snippets.
 *
 * <p>Configured ({@code kiln.public-url}, env {@code KILN_PUBLIC_URL}) it is used as given and the request is
 * ignored: the setting for every real installation, and behind a proxy or load balancer the only correct one.
 * Unset (the local run: {@code ./kiln up}, tests) it is derived from the request, the scheme from the connection and
 * the host from the {@code Host} header. That header is the client's to choose (Host header injection), so it is
 * accepted only as a bare host name or IP literal with an optional port, never with a path, user info, quotes or
 * spaces; anything else is a 400 that names the setting. The snippets go only to the authenticated caller who sent
 * the header, so a forged one can mislead nobody else.
 *
 * <p>Both kinds of URL are limited to characters that need no escaping inside the string literals of every snippet
 * language (no quotes, backslashes, {@code $}, spaces).
 */
@Context
public class PublicUrl {

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST = Pattern.compile(
            "(?:" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9A-Fa-f:.]+])(?::[0-9]{1,5})?");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~:/\\[\\]%-]+");

    private final Optional<String> configured;

    /** Fails start-up on a malformed {@code kiln.public-url}, rather than the first snippet request. */
    PublicUrl(@Value("${kiln.public-url:}") String configured) {
        this.configured = configured.isBlank() ? Optional.empty() : Optional.of(checked(configured.strip()));
    }

    /**
     * @param secure whether the request came over TLS
     * @param host   the request's {@code Host} header, if any
     * @return the base URL without a trailing slash, e.g. {@code https://kiln.example.com}
     */
    public String base(boolean secure, @Nullable String host) {
        if (configured.isPresent()) {
            return configured.get();
        }
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidInputException("The request's Host header is not a plain host name, so the predict URL "
                    + "cannot be derived from it; set KILN_PUBLIC_URL (kiln.public-url) to the gateway's public URL.");
        }
        return (secure ? "https://" : "http://") + host.toLowerCase(Locale.ROOT);
    }

    private static String checked(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = new URI(trimmed);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (web && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && SAFE.matcher(trimmed).matches()) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalStateException("kiln.public-url (KILN_PUBLIC_URL) must be an http or https URL without "
                + "user info, query or fragment, e.g. https://kiln.example.com; got " + url);
    }
}
