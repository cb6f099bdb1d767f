package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.common.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicUrlTest {

    private final PublicUrl fromRequest = new PublicUrl("");

    @Test
    void withoutConfigurationTheHostHeaderAndTheConnectionsSchemeAreUsed() {
        assertThat(fromRequest.base(false, "localhost:8080")).isEqualTo("http://localhost:8080");
        assertThat(fromRequest.base(true, "Kiln.Example.com")).isEqualTo("https://kiln.example.com");
        assertThat(fromRequest.base(false, "10.0.0.7:9000")).isEqualTo("http://10.0.0.7:9000");
        assertThat(fromRequest.base(false, "[::1]:8080")).isEqualTo("http://[::1]:8080");
    }

    @Test
    void aHostHeaderThatIsNotAPlainHostIsRefusedWithA400() {
        for (String host : List.of("", "evil.example.com/phish", "user@evil.example.com",
                "evil.example.com\" -d @/etc/passwd", "a b", "host:port", "$(id).example.com", "evil.example.com#",
                "-leading-dash.example.com")) {
            assertThatThrownBy(() -> fromRequest.base(false, host)).as(host).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("KILN_PUBLIC_URL");
        }
    }

    @Test
    void aMissingHostHeaderIsRefusedWithA400() {
        assertThatThrownBy(() -> fromRequest.base(false, null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aConfiguredUrlWinsOverTheHostHeaderAndLosesItsTrailingSlash() {
        PublicUrl configured = new PublicUrl(" https://kiln.example.com/ml/ ");

        assertThat(configured.base(false, "evil.example.com")).isEqualTo("https://kiln.example.com/ml");
        assertThat(configured.base(true, null)).isEqualTo("https://kiln.example.com/ml");
    }

    @Test
    void aMalformedConfiguredUrlStopsStartUp() {
        for (String url : List.of("kiln.example.com", "ftp://kiln.example.com", "https://user:pw@kiln.example.com",
                "https://kiln.example.com/?q=1", "https://kiln.example.com/\"quoted\"", "https://kiln.example.com/$HOME")) {
            assertThatThrownBy(() -> new PublicUrl(url)).as(url).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("kiln.public-url");
        }
    }
}
