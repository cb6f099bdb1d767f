package dev.kiln.node.imaging;

import java.util.Base64;
import java.util.regex.Pattern;

/** {@code image_type: base64}: standard or URL-safe alphabet, padding optional, with or without a data-URL prefix. */
public final class Base64Image {
    private static final Pattern DATA_URL = Pattern.compile("^data:[^,;]*(;[^,;]*)*;base64,", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Base64Image() {
    }

    public static byte[] decode(String data) {
        // Both checks are plain scans first: the regular expressions cost more than the decoding on most bodies.
        String text = data.regionMatches(true, 0, "data:", 0, 5) ? DATA_URL.matcher(data).replaceFirst("") : data;
        if (hasWhitespace(text)) {
            // Wrapped base64 (76-column lines) is common from command-line tools.
            text = WHITESPACE.matcher(text).replaceAll("");
        }
        if (text.isEmpty()) {
            throw ImageRejectedException.invalid("The data is empty; send the image as base64.", "value_error.base64");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException urlSafe) {
                throw ImageRejectedException.invalid("The data is not valid base64.", "value_error.base64");
            }
        }
    }

    private static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
