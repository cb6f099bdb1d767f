package dev.kiln.controlplane.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client will not send: a Content-Length that lies, a chunked body
 * over a limit, a body the server answers before it has read it. The body is written from another thread, so an
 * early answer is seen even when the server stops reading.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code requestLine} ("POST /path"), {@code headers} (each ending in CRLF) and {@code body}. */
    public static String send(int port, String requestLine, String headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException refusedHalfWay) {
                    // expected once the server has answered and closed
                }
            });
            String response = readResponse(socket.getInputStream());
            writer.interrupt();
            return response;
        }
    }

    /** An answer, and whether the server closed the connection after it. */
    public record Answer(String response, boolean closed) {
    }

    /**
     * Sends {@code requestLine} and {@code headers} (each ending in CRLF, a Content-Length among them) but none of
     * the body they declare: an answer can only come from the headers. Then waits for the server to close.
     */
    public static Answer headersOnly(int port, String requestLine, String headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String response = readResponse(in);
            return new Answer(response, in.read() < 0);
        }
    }

    /** The status line and headers, then as many body bytes as Content-Length says. */
    public static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
