package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.auth.ServiceAccountScope;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Accepts {@code Authorization: Bearer kiln_sat_…} on the management API beside the JWT validator. The token, its
 * account and its expiry are read from the database on every request (two indexed reads), so a revoked, expired
 * or deleted one is refused at once on every replica. Unknown, revoked and expired tokens all yield no
 * authentication, which micronaut-security answers with a 401.
 */
@Singleton
class ServiceAccountTokenValidator implements TokenValidator<HttpRequest<?>> {

    /** lastUsedAt is written at most this often per token, so a busy CI job does not write on every call. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private final ServiceAccountTokenRepository tokens;
    private final ServiceAccountRepository accounts;
    private final ExecutorService blocking;
    private final Clock clock;

    ServiceAccountTokenValidator(ServiceAccountTokenRepository tokens, ServiceAccountRepository accounts,
                                 @Named(TaskExecutors.BLOCKING) ExecutorService blocking, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (!TokenFormat.ours(token)) {
            return Publishers.empty();
        }
        return Publishers.fromCompletableFuture(
                CompletableFuture.supplyAsync(() -> validate(token).orElse(null), blocking));
    }

    Optional<Authentication> validate(String token) {
        if (!TokenFormat.plausible(token)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256Hex(token);
        Instant now = Times.now(clock);
        Optional<ServiceAccountToken> found = tokens.findByTokenHash(hash)
                .filter(t -> Secrets.constantTimeEquals(t.tokenHash(), hash))
                .filter(t -> t.usable(now));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Optional<ServiceAccount> account = accounts.findById(found.get().serviceAccountId());
        account.ifPresent(a -> tokens.markUsed(found.get().id(), now, now.minus(LAST_USED_GRANULARITY)));
        return account.map(a -> new ServiceAccountScope(a.id(), a.organizationId(), a.name(), a.role())
                .authentication());
    }
}
