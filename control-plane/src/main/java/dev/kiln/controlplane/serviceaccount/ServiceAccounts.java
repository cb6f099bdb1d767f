package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.serviceaccount.Views.AccountView;
import dev.kiln.controlplane.serviceaccount.Views.CreateAccount;
import dev.kiln.controlplane.serviceaccount.Views.CreateToken;
import dev.kiln.controlplane.serviceaccount.Views.CreatedToken;
import dev.kiln.controlplane.serviceaccount.Views.TokenView;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.OrganizationRepository;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Service accounts and their tokens, managed by an organization's ADMINs and OWNERs. An account's role is at most
 * its creator's and never OWNER; every change is audited with the person who made it.
 */
@Singleton
class ServiceAccounts {

    private static final int MAX_NAME = 100;

    private final Access access;
    private final OrganizationRepository organizations;
    private final ServiceAccountRepository accounts;
    private final ServiceAccountTokenRepository tokens;
    private final AuditLog audit;
    private final Clock clock;

    ServiceAccounts(Access access, OrganizationRepository organizations, ServiceAccountRepository accounts,
                    ServiceAccountTokenRepository tokens, AuditLog audit, Clock clock) {
        this.access = access;
        this.organizations = organizations;
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @ReadOnly
    List<AccountView> list(Caller caller, UUID organizationId) {
        access.organization(caller, organizationId, Role.ADMIN);
        return accounts.findByOrganization(organizationId).stream().map(AccountView::of).toList();
    }

    @Transactional
    AccountView create(Caller caller, UUID organizationId, CreateAccount request) {
        access.organization(caller, organizationId, Role.ADMIN);
        Problems problems = new Problems();
        String name = name(request.name(), problems);
        if (request.role() == null || request.role() == Role.OWNER) {
            problems.add("role", "must be one of ADMIN, MEMBER, VIEWER", "value_error.role");
        }
        problems.throwIfAny("The service account is not valid.");
        Role callerRole = access.role(caller, organizationId);
        if (!callerRole.atLeast(request.role())) {
            throw new ForbiddenException("A service account's role cannot exceed yours (" + callerRole + ").");
        }
        organizations.lockById(organizationId);
        if (accounts.nameTaken(organizationId, name)) {
            throw new ConflictException("A service account named " + name + " already exists.");
        }
        ServiceAccount account = accounts.save(new ServiceAccount(UUID.randomUUID(), organizationId, name,
                request.role(), caller.personId(), Times.now(clock)));
        audit.record(caller.actor(), "service-account.create", target(account),
                Map.of("name", name, "role", account.role().name()));
        return AccountView.of(account);
    }

    @Transactional
    void delete(Caller caller, UUID organizationId, UUID accountId) {
        ServiceAccount account = account(caller, organizationId, accountId);
        accounts.delete(account.id());
        audit.record(caller.actor(), "service-account.delete", target(account), Map.of("name", account.name()));
    }

    @ReadOnly
    List<TokenView> tokens(Caller caller, UUID organizationId, UUID accountId) {
        ServiceAccount account = account(caller, organizationId, accountId);
        return tokens.findLive(account.id()).stream().map(TokenView::of).toList();
    }

    @Transactional
    CreatedToken createToken(Caller caller, UUID organizationId, UUID accountId, CreateToken request) {
        ServiceAccount account = account(caller, organizationId, accountId);
        Instant now = Times.now(clock);
        Problems problems = new Problems();
        String name = name(request.name(), problems);
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            problems.add("expiresAt", "must be in the future", "value_error.past");
        }
        problems.throwIfAny("The token is not valid.");
        String token = TokenFormat.newToken();
        ServiceAccountToken row = tokens.save(new ServiceAccountToken(UUID.randomUUID(), account.id(), name,
                TokenFormat.prefix(token), Secrets.sha256Hex(token), request.expiresAt(), now, null, null));
        Map<String, Object> detail = new HashMap<>(Map.of("serviceAccount", account.name(), "token", name,
                "prefix", row.prefix()));
        if (row.expiresAt() != null) {
            detail.put("expiresAt", row.expiresAt().toString());
        }
        audit.record(caller.actor(), "service-account.token.create", target(account), detail);
        return new CreatedToken(row.id(), row.name(), row.prefix(), token, row.expiresAt(), row.createdAt());
    }

    @Transactional
    void revokeToken(Caller caller, UUID organizationId, UUID accountId, UUID tokenId) {
        ServiceAccount account = account(caller, organizationId, accountId);
        if (tokens.revoke(tokenId, account.id(), Times.now(clock)) == 0) {
            throw new NotFoundException("No token " + tokenId + ".");
        }
        audit.record(caller.actor(), "service-account.token.revoke", target(account),
                Map.of("serviceAccount", account.name(), "tokenId", tokenId.toString()));
    }

    /** The organization's account, for an ADMIN or OWNER of it; another organization's is a 404. */
    private ServiceAccount account(Caller caller, UUID organizationId, UUID accountId) {
        access.organization(caller, organizationId, Role.ADMIN);
        return accounts.findInOrganization(accountId, organizationId)
                .orElseThrow(() -> new NotFoundException("No service account " + accountId + "."));
    }

    private static String name(@Nullable String raw, Problems problems) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            problems.add("name", "must be 1 to " + MAX_NAME + " characters", "value_error.name");
        }
        return name;
    }

    private static AuditLog.Target target(ServiceAccount account) {
        return new AuditLog.Target(account.organizationId(), null, "service-account", account.id().toString());
    }
}
