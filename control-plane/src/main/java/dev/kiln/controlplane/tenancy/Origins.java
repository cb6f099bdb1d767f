package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.common.Problems;
import dev.kiln.protocol.ErrorBody;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Browser origins as a project allows them for CORS: {@code scheme://host[:port]}, http or https, nothing else (no
 * path, query, user or wildcard), written the way a browser sends its Origin header (lower case, no default port),
 * so that the data plane compares them as plain strings.
 */
public final class Origins {

    public static final int MAX = 20;
    private static final String FIELD = "allowedOrigins";

    private Origins() {
    }

    /** The origins in their canonical form, or problems (one per bad entry, at its index) added to {@code problems}. */
    public static List<String> check(List<String> origins, Problems problems) {
        if (origins.size() > MAX) {
            problems.add(FIELD, "at most " + MAX + " origins", "value_error.list.max_items");
            return List.of();
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (int i = 0; i < origins.size(); i++) {
            String origin = canonical(origins.get(i));
            if (origin == null) {
                problems.add(new ErrorBody.Detail(List.of("body", FIELD, Integer.toString(i)), "must be an origin like "
                        + "https://app.example.com: http or https, a host and an optional port, without a path or '*'",
                        "value_error.origin"));
            } else {
                canonical.add(origin);
            }
        }
        return new ArrayList<>(canonical);
    }

    /** {@code scheme://host[:port]} in lower case without the scheme's default port; null when it is no origin. */
    static String canonical(String text) {
        if (text == null || text.length() > 253 || text.contains("*")) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean web = scheme.equals("http") || scheme.equals("https");
        if (!web || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
