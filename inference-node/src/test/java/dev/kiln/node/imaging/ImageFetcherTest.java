package dev.kiln.node.imaging;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.node.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageFetcherTest {
    private final byte[] png = TestImages.encode(TestImages.scene(64, 48, 4), "png");
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/img.png", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, png.length);
            ex.getResponseBody().write(png);
            ex.close();
        });
        server.createContext("/page.html", ex -> {
            byte[] html = "<html></html>".getBytes();
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, html.length);
            ex.getResponseBody().write(html);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/hop", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getQuery());
            ex.getResponseHeaders().set("Location", n == 0 ? "/img.png" : "/hop?" + (n - 1));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static ImageFetcher fetcher(boolean allowPrivate, long maxBytes, Duration timeout) {
        return new ImageFetcher(new ImagingConfig(40_000_000, allowPrivate, Duration.ofSeconds(2), timeout, maxBytes,
                3, 4_000_000, 0));
    }

    private static ImageFetcher guarded() {
        return fetcher(false, 1 << 20, Duration.ofSeconds(5));
    }

    private static ImageFetcher open() {
        return fetcher(true, 1 << 20, Duration.ofSeconds(5));
    }

    @Test
    void refusesLoopbackMetadataAndPrivateAddresses() {
        for (String url : new String[]{base + "/img.png", "http://localhost:1/x.png", "http://169.254.169.254/latest/meta-data",
                "http://10.1.2.3/x.png", "http://192.168.0.1/x.png", "http://[::1]/x.png", "http://0.0.0.0/x.png"}) {
            assertThatThrownBy(() -> guarded().fetch(url)).as(url)
                    .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("not allowed");
                        assertThat(e.detail().getFirst().loc()).containsExactly("body", "data");
                    });
        }
    }

    @Test
    void refusesOtherSchemes() {
        for (String url : new String[]{"file:///etc/passwd", "ftp://example.com/x.png", "not a url at all"}) {
            assertThatThrownBy(() -> guarded().fetch(url)).as(url)
                    .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void fetchesFromALocalServerWhenPrivateAddressesAreAllowed() {
        assertThat(open().fetch(base + "/img.png")).isEqualTo(png);
    }

    @Test
    void followsAtMostThreeRedirects() {
        assertThat(open().fetch(base + "/hop?2")).isEqualTo(png);
        assertThatThrownBy(() -> open().fetch(base + "/hop?3"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.getMessage()).contains("redirected"));
    }

    @Test
    void refusesNonImagesErrorsAndOversizedBodies() {
        assertThatThrownBy(() -> open().fetch(base + "/page.html"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.getMessage()).contains("text/html"));
        assertThatThrownBy(() -> open().fetch(base + "/missing"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.getMessage()).contains("404"));
        assertThatThrownBy(() -> fetcher(true, 100, Duration.ofSeconds(5)).fetch(base + "/img.png"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void givesUpAfterTheTimeCap() {
        assertThatThrownBy(() -> fetcher(true, 1 << 20, Duration.ofMillis(300)).fetch(base + "/slow"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("did not answer");
                });
    }

    @Test
    void unreachableHostIsA400() {
        assertThatThrownBy(() -> open().fetch("http://127.0.0.1:1/img.png"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    // A plain sentence, not the HTTP client's bare "ConnectException".
                    assertThat(e.getMessage()).isEqualTo("The image URL could not be fetched: the connection could "
                            + "not be made.").doesNotContain("Exception");
                });
    }

    @Test
    void addressGuardKnowsTheSpecialRanges() throws Exception {
        for (String blocked : new String[]{"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00:ec2::254",
                "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
            assertThat(AddressGuard.isPublic(InetAddress.getByName(blocked))).as(blocked).isFalse();
        }
        for (String allowed : new String[]{"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"}) {
            assertThat(AddressGuard.isPublic(InetAddress.getByName(allowed))).as(allowed).isTrue();
        }
    }
}
