package dev.kiln.controlplane.model;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) read part by part from a stream while it arrives, holding one buffer
 * of it at most: the caller decides where each part's bytes go (and when to stop) before more of the body is read.
 * Not thread-safe; one reader per request.
 */
final class MultipartStream {

    /** Longer boundaries are refused (RFC 2046 allows 70 characters). */
    static final int MAX_BOUNDARY = 200;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final Pattern DISPOSITION_PARAM = Pattern.compile(
            ";\\s*(name|filename)\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]*))", Pattern.CASE_INSENSITIVE);

    /** A part's field name and, for a file, its file name. */
    record Part(String name, @Nullable String filename) {
    }

    /** The body is not well-formed multipart: the caller answers 400. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer;
    private int head;
    private int tail;
    /** True while the bytes at {@link #head} are content (or the preamble, before the first part). */
    private boolean inContent = true;
    private boolean finished;

    MultipartStream(InputStream in, String boundary) throws MalformedException {
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw new MalformedException("the multipart boundary must be 1 to " + MAX_BOUNDARY + " characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[64 * 1024];
        // The first delimiter has no CRLF before it: supplying one lets every delimiter be found the same way.
        buffer[0] = '\r';
        buffer[1] = '\n';
        tail = 2;
    }

    /** The next part, after skipping what is left of the current one; null after the closing delimiter. */
    @Nullable
    Part next() throws IOException {
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // the caller did not want the rest of the previous part (or this is the preamble)
        }
        if (finished) {
            return null;
        }
        need(2);
        if (buffer[head] == '-' && buffer[head + 1] == '-') {
            finished = true;
            return null;
        }
        Part part = parse(headers());
        inContent = true;
        return part;
    }

    /** Content of the current part, like {@link InputStream#read(byte[], int, int)}; -1 at its end. */
    int read(byte[] into, int offset, int length) throws IOException {
        if (!inContent) {
            return -1;
        }
        while (true) {
            int at = indexOf(delimiter, head, tail);
            if (at == head) {
                head += delimiter.length;
                inContent = false;
                return -1;
            }
            // Without a whole delimiter in view, the last bytes may be the start of one: keep them for now.
            int safe = at >= 0 ? at : Math.max(head, tail - delimiter.length + 1);
            if (safe > head) {
                int n = Math.min(length, safe - head);
                System.arraycopy(buffer, head, into, offset, n);
                head += n;
                return n;
            }
            if (!fill()) {
                throw new MalformedException("the body ended before the multipart closing delimiter");
            }
        }
    }

    /** The header block after a delimiter's CRLF, up to the blank line. */
    private String headers() throws IOException {
        while (true) {
            int end = indexOf(HEADERS_END, head, tail);
            if (end >= 0) {
                String block = new String(buffer, Math.min(head + 2, end), Math.max(0, end - head - 2),
                        StandardCharsets.UTF_8);
                if (!startsWithCrlf()) {
                    throw new MalformedException("a multipart delimiter must end its line");
                }
                head = end + HEADERS_END.length;
                return block;
            }
            if (tail - head > MAX_HEADER_BYTES || !fill()) {
                throw new MalformedException("a part's headers are missing, cut off or longer than "
                        + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    private boolean startsWithCrlf() {
        return buffer[head] == '\r' && buffer[head + 1] == '\n';
    }

    private static Part parse(String headers) throws MalformedException {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-disposition")) {
                String name = null;
                String filename = null;
                Matcher m = DISPOSITION_PARAM.matcher(line.substring(colon + 1));
                while (m.find()) {
                    String value = m.group(2) != null ? m.group(2) : m.group(3);
                    if (m.group(1).equalsIgnoreCase("name")) {
                        name = value;
                    } else {
                        filename = value;
                    }
                }
                if (name != null && !name.isEmpty()) {
                    return new Part(name, filename);
                }
            }
        }
        throw new MalformedException("every part needs a Content-Disposition header with a name");
    }

    private void need(int bytes) throws IOException {
        while (tail - head < bytes) {
            if (!fill()) {
                throw new MalformedException("the body ended after a multipart delimiter");
            }
        }
    }

    /** Moves the unread bytes to the front and reads more after them; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (head > 0) {
            System.arraycopy(buffer, head, buffer, 0, tail - head);
            tail -= head;
            head = 0;
        }
        if (tail == buffer.length) {
            return true; // full of unread bytes: the caller consumes before asking again
        }
        int n = in.read(buffer, tail, buffer.length - tail);
        if (n < 0) {
            return false;
        }
        tail += n;
        return true;
    }

    private int indexOf(byte[] needle, int from, int to) {
        byte first = needle[0];
        for (int i = from; i <= to - needle.length; i++) {
            if (buffer[i] != first) {
                continue;
            }
            int j = 1;
            while (j < needle.length && buffer[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }
}
