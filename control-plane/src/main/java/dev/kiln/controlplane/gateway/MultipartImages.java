package dev.kiln.controlplane.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The images of a {@code multipart/form-data} body ({@code curl -F data=@photo.jpg}, TorchServe's form): the content
 * of every part, in order, whatever its field name. Null when the body is not a well-formed multipart body.
 */
final class MultipartImages {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    private MultipartImages() {
    }

    static List<byte[]> parse(byte[] body, String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            return null;
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            return null;
        }
        List<byte[]> parts = new ArrayList<>();
        int cursor = at + delimiter.length;
        while (true) {
            if (startsWith(body, cursor, new byte[]{'-', '-'})) {
                return parts;
            }
            if (!startsWith(body, cursor, CRLF)) {
                return null;
            }
            int headersEnd = indexOf(body, HEADERS_END, cursor);
            if (headersEnd < 0) {
                return null;
            }
            int contentStart = headersEnd + HEADERS_END.length;
            int next = indexOf(body, separator, contentStart);
            if (next < 0) {
                return null;
            }
            parts.add(Arrays.copyOfRange(body, contentStart, next));
            cursor = next + separator.length;
        }
    }

    private static boolean startsWith(byte[] body, int from, byte[] prefix) {
        return from + prefix.length <= body.length
                && Arrays.equals(body, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        outer:
        for (int i = from; i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
