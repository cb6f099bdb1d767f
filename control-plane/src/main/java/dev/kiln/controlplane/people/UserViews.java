package dev.kiln.controlplane.people;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kiln.controlplane.tenancy.User;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.UUID;

/** JSON shapes of the operators' account management. */
final class UserViews {

    private UserViews() {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record NewUser(@Nullable String email, @Nullable String temporaryPassword) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record ResetAccept(@Nullable String token, @Nullable String newPassword) {
    }

    @Serdeable
    record UserView(UUID id, String email, boolean operator, boolean disabled, boolean mustChangePassword,
                    Instant createdAt) {
        static UserView of(User u) {
            return new UserView(u.id(), u.email(), u.operator(), u.disabledAt() != null, u.mustChangePassword(),
                    u.createdAt());
        }
    }

    /** How a reset reached the user: by mail, or as a temporary password shown once to the operator. */
    @Serdeable
    record ResetView(String delivery, @Nullable String temporaryPassword) {
    }
}
