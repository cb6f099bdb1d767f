package dev.kiln.controlplane.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MultipartImagesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyPartsContentComesOutInOrderAsCurlSendsIt() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n\u00ff\u00d8one\r\n--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"b.jpg\"\r\n\r\ntwo\r\nwith CRLF\r\n"
                + "--XyZ--\r\n";

        List<byte[]> parts = MultipartImages.parse(bytes(body), "XyZ");

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).isEqualTo(bytes("\u00ff\u00d8one"));
        assertThat(parts.get(1)).isEqualTo(bytes("two\r\nwith CRLF"));
    }

    @Test
    void malformedBodiesAreNull() {
        assertThat(MultipartImages.parse(bytes("no delimiter"), "XyZ")).isNull();
        assertThat(MultipartImages.parse(bytes("--XyZ\r\nContent-Disposition: form-data\r\n\r\nnever closed"), "XyZ"))
                .isNull();
        assertThat(MultipartImages.parse(bytes("--XyZ\r\nno headers end"), "XyZ")).isNull();
        assertThat(MultipartImages.parse(bytes("--XyZ--"), null)).isNull();
        assertThat(MultipartImages.parse(bytes("--XyZ--\r\n"), "XyZ")).isEmpty();
    }
}
