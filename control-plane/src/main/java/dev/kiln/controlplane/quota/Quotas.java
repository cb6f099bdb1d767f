package dev.kiln.controlplane.quota;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.quota.QuotaViews.QuotaUsage;
import dev.kiln.controlplane.quota.QuotaViews.QuotasView;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Per-organization quotas (DESIGN §8). A write that adds to a quota calls {@link #require} inside its own
 * transaction before it inserts: that locks the organization's row (SELECT … FOR UPDATE), so concurrent writes of
 * one organization, on any replica, are checked one after the other and each sees the rows the previous committed.
 */
@Singleton
public class Quotas {

    private final QuotaStore store;
    private final QuotaConfig config;
    private final AuditLog audit;
    private final Clock clock;

    Quotas(QuotaStore store, QuotaConfig config, AuditLog audit, Clock clock) {
        this.store = store;
        this.config = config;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * 403 naming the first quota that {@code adding} would take past its limit. Only increases are checked, so a
     * change that lowers usage always passes, even where an operator has set the limit below what is used.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void require(UUID organizationId, Map<Quota, Long> adding) {
        if (adding.values().stream().allMatch(amount -> amount <= 0)) {
            return;
        }
        if (!store.lockOrganization(organizationId)) {
            throw new NotFoundException("No organization " + organizationId + ".");
        }
        Map<Quota, Long> limits = limits(organizationId);
        Map<Quota, Long> used = store.usage(organizationId, clock.instant());
        for (Quota quota : Quota.values()) {
            long amount = adding.getOrDefault(quota, 0L);
            if (amount > 0 && QuotaDecision.exceeds(used.get(quota), amount, limits.get(quota))) {
                throw new ForbiddenException(quota.reached(limits.get(quota)));
            }
        }
    }

    /** {@link #require} for a model file: it costs nothing when a version of the organization already uses it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void requireStorage(UUID organizationId, String sha256, long sizeBytes) {
        if (!store.usesArtifact(organizationId, sha256)) {
            require(organizationId, Map.of(Quota.MODEL_STORAGE_BYTES, sizeBytes));
        }
    }

    /**
     * Whether {@code adding} more of a quota stays within the organization's limit. A read without the lock of
     * {@link #require}: for data capture, where a concurrent capture slipping past the limit by one image is
     * better than serializing every capture of an organization.
     */
    @ReadOnly
    public boolean fits(UUID organizationId, Quota quota, long adding) {
        long limit = limits(organizationId).get(quota);
        return !QuotaDecision.exceeds(store.usage(organizationId, clock.instant()).get(quota), adding, limit);
    }

    /** 403 when the user already owns as many organizations as one user may; operators are not limited. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void requireOrganizationSlot(UUID userId) {
        if (store.isOperator(userId) || !store.lockUser(userId)) {
            return;
        }
        long limit = config.organizationsPerUser();
        long owned = store.ownedOrganizations(userId);
        if (QuotaDecision.exceeds(owned, 1, limit)) {
            throw new ForbiddenException("The organizationsPerUser quota (" + limit
                    + ") is reached: you already own " + owned + " organizations.");
        }
    }

    /** A service account belongs to its one organization only. */
    private boolean member(Caller caller, UUID organizationId) {
        return caller.serviceAccount() != null ? caller.serviceAccount().organizationId().equals(organizationId)
                : store.isMember(organizationId, caller.userId());
    }

    /** Limits and usage, for the organization's members and for operators; anyone else gets a 404. */
    @ReadOnly
    QuotasView read(Caller caller, UUID organizationId) {
        if (!member(caller, organizationId)
                && !(store.isOperator(caller.userId()) && store.organizationExists(organizationId))) {
            throw notFound(organizationId);
        }
        return view(organizationId);
    }

    /** Operators only: sets the given limits (null puts one back to the default) and audits the change. */
    @Transactional
    QuotasView change(Caller caller, UUID organizationId, JsonNode body) {
        if (!store.isOperator(caller.userId())) {
            if (member(caller, organizationId)) {
                throw new ForbiddenException("Only operators may change quotas.");
            }
            throw notFound(organizationId);
        }
        if (!store.lockOrganization(organizationId)) {
            throw notFound(organizationId);
        }
        Map<Quota, Optional<Long>> changes = QuotaChanges.parse(body);
        if (!changes.isEmpty()) {
            store.setOverrides(organizationId, changes, Times.now(clock));
            Map<String, Object> detail = new LinkedHashMap<>();
            changes.forEach((quota, value) -> detail.put(quota.json(), value.orElse(null)));
            audit.record(caller.actor(), "organization.quotas.update", new AuditLog.Target(organizationId, null,
                    "organization", organizationId.toString()), detail);
        }
        return view(organizationId);
    }

    private QuotasView view(UUID organizationId) {
        Map<Quota, Long> limits = limits(organizationId);
        Map<Quota, Long> used = store.usage(organizationId, clock.instant());
        return new QuotasView(organizationId, Arrays.stream(Quota.values())
                .map(q -> new QuotaUsage(q.json(), limits.get(q), used.get(q), q.unit().json()))
                .toList());
    }

    private Map<Quota, Long> limits(UUID organizationId) {
        Map<Quota, Long> limits = store.overrides(organizationId);
        for (Quota quota : Quota.values()) {
            limits.putIfAbsent(quota, config.limit(quota));
        }
        return limits;
    }

    private static NotFoundException notFound(UUID organizationId) {
        return new NotFoundException("No organization " + organizationId + ".");
    }
}
