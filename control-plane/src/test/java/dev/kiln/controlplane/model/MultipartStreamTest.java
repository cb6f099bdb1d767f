package dev.kiln.controlplane.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartStreamTest {

    private static final String BODY = "preamble\r\n--xyz\r\n"
            + "Content-Disposition: form-data; name=\"versionTag\"\r\n\r\nv7\r\n"
            + "--xyz\r\ncontent-disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n"
            + "bytes\r\n--xy not the end\r\n-\r\n--xyz\r\n"
            + "Content-Disposition: form-data; name=descriptor\r\n\r\n\r\n--xyz--\r\n";

    @Test
    void everyPartComesWithItsNameFileNameAndExactContentEvenReadAFewBytesAtATime() throws IOException {
        List<String> parts = readAll(new MultipartStream(trickle(BODY), "xyz"));

        assertThat(parts).containsExactly("versionTag|null|v7", "file|m.onnx|bytes\r\n--xy not the end\r\n-",
                "descriptor|null|");
    }

    @Test
    void aPartLeftUnreadIsSkipped() throws IOException {
        MultipartStream stream = new MultipartStream(trickle(BODY), "xyz");

        assertThat(stream.next().name()).isEqualTo("versionTag");
        assertThat(stream.next().name()).isEqualTo("file");
        assertThat(stream.next().name()).isEqualTo("descriptor");
        assertThat(stream.next()).isNull();
    }

    @Test
    void aBodyCutOffInsideAPartIsMalformed() throws IOException {
        MultipartStream stream = new MultipartStream(trickle(BODY.substring(0, BODY.indexOf("bytes") + 3)), "xyz");
        stream.next();

        assertThatThrownBy(() -> readAll(stream)).isInstanceOf(MultipartStream.MalformedException.class);
    }

    @Test
    void aPartWithoutANameIsMalformed() {
        String body = "--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--";

        assertThatThrownBy(() -> new MultipartStream(trickle(body), "xyz").next())
                .isInstanceOf(MultipartStream.MalformedException.class).hasMessageContaining("name");
    }

    @Test
    void aBoundaryLongerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> new MultipartStream(trickle(""), "b".repeat(MultipartStream.MAX_BOUNDARY + 1)))
                .isInstanceOf(MultipartStream.MalformedException.class);
    }

    @Test
    void aPartLargerThanTheBufferStreamsThroughWhole() throws IOException {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(big);
        body.writeBytes("\r\n--xyz--\r\n".getBytes(StandardCharsets.US_ASCII));
        MultipartStream stream = new MultipartStream(new ByteArrayInputStream(body.toByteArray()), "xyz");

        stream.next();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] chunk = new byte[10_000];
        for (int n = stream.read(chunk, 0, chunk.length); n >= 0; n = stream.read(chunk, 0, chunk.length)) {
            content.write(chunk, 0, n);
        }

        assertThat(content.toByteArray()).isEqualTo(big);
        assertThat(stream.next()).isNull();
    }

    private static List<String> readAll(MultipartStream stream) throws IOException {
        List<String> parts = new ArrayList<>();
        for (MultipartStream.Part part = stream.next(); part != null; part = stream.next()) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] chunk = new byte[3];
            for (int n = stream.read(chunk, 0, chunk.length); n >= 0; n = stream.read(chunk, 0, chunk.length)) {
                content.write(chunk, 0, n);
            }
            parts.add(part.name() + "|" + part.filename() + "|" + content.toString(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    /** The body in reads of at most 5 bytes, as a slow network would hand it over. */
    private static InputStream trickle(String body) {
        return new FilterInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 5));
            }
        };
    }
}
