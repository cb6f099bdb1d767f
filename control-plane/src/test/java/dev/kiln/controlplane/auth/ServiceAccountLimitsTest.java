package dev.kiln.controlplane.auth;

import io.micronaut.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountLimitsTest {

    @Test
    void peoplePasswordsInvitationsAndServiceAccountsAreRefusedWhateverTheMethod() {
        assertThat(ServiceAccountLimits.refused(HttpMethod.GET, "/api/v1/users")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/users/abc/disable")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/me/password")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/invitations/accept")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/me/invitations/x/accept")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.GET, "/api/v1/organizations/o/service-accounts")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/organizations/o/service-accounts/a/tokens/"))
                .isTrue();
    }

    @Test
    void creatingOrganizationsAndChangingMembersAreRefusedButReadingThemIsNot() {
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/organizations")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/organizations/")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.PATCH, "/api/v1/organizations/o/members/u")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.DELETE, "/api/v1/organizations/o/invitations/i")).isTrue();
        assertThat(ServiceAccountLimits.refused(HttpMethod.GET, "/api/v1/organizations")).isFalse();
        assertThat(ServiceAccountLimits.refused(HttpMethod.GET, "/api/v1/organizations/o/members")).isFalse();
    }

    @Test
    void theRestOfTheManagementApiIsLeftToTheRole() {
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/projects/p/deployments")).isFalse();
        assertThat(ServiceAccountLimits.refused(HttpMethod.POST, "/api/v1/organizations/o/projects")).isFalse();
        assertThat(ServiceAccountLimits.refused(HttpMethod.GET, "/api/v1/users-guide")).isFalse();
    }
}
