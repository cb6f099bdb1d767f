package dev.kiln.controlplane;

import dev.kiln.controlplane.support.Api;
import dev.kiln.controlplane.support.ApiTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Routes outside the management API are not guarded by JWT rules: the gateway and internal API check their own. */
@MicronautTest(transactional = false)
class PublicRoutesTest extends ApiTest {

    @Test
    void healthIsOpen() {
        Api.Response r = anonymous.get("/health");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.map()).containsEntry("status", "UP");
    }

    @Test
    void micronautsManagementEndpointsOtherThanHealthAreNotReachable() {
        for (String path : new String[] {"/routes", "/threaddump", "/flyway", "/info", "/beans", "/env", "/loggers",
                "/caches", "/refresh", "/stop"}) {
            assertThat(anonymous.get(path).status()).as("GET " + path).isEqualTo(404);
        }
        assertThat(anonymous.post("/refresh", java.util.Map.of()).status()).as("POST /refresh").isNotEqualTo(200);
    }

    @Test
    void aNonApiPathWithAProjectKeyIsNotRejectedByTheJwtFilter() {
        Api.Response r = anonymous.as("kiln_" + "A".repeat(43)).get("/no/such/data-plane/route");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.map()).containsEntry("status", 404).containsEntry("error", "NotFound");
    }
}
