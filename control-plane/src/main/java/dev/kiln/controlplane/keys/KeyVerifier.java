package dev.kiln.controlplane.keys;

import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.ProjectOrigins;
import dev.kiln.controlplane.tenancy.ProjectRepository;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks project secrets on the data plane's hot path without touching the database: a table of
 * SHA-256(secret) → key, loaded on first use, reloaded after every key change committed by this process,
 * after every change another replica commits ({@link KeyChangeListener}, Postgres LISTEN/NOTIFY), and re-read
 * periodically as a safety net. Also remembers which keys were used and
 * records it in batches (last_used_at), so a call never waits on a write either.
 */
@Singleton
public class KeyVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(KeyVerifier.class);

    /**
     * A loaded key under one of its hashes; a rotated-out hash carries its grace deadline. {@code rateLimit} is the
     * key's own limit, else its project's default.
     */
    private record Entry(ProjectKey key, String hash, @Nullable Instant validUntil, @Nullable Integer rateLimit) {
    }

    private final ProjectKeyRepository keys;
    private final ProjectRepository projects;
    private final Clock clock;
    private volatile Map<String, Entry> byHash;
    /** Per project, the browser origins it allows (CORS on the data plane); reloaded with the keys. */
    private volatile Map<UUID, Set<String>> allowedOrigins = Map.of();
    private final ProjectOrigins origins;
    private final Set<UUID> usedSinceFlush = ConcurrentHashMap.newKeySet();

    KeyVerifier(ProjectKeyRepository keys, ProjectRepository projects, Clock clock, ProjectOrigins origins) {
        this.origins = origins;
        this.keys = keys;
        this.projects = projects;
        this.clock = clock;
    }

    /** The key this bearer secret belongs to; empty for malformed, unknown, revoked or expired secrets. */
    public Optional<VerifiedKey> verify(String bearerSecret) {
        if (!KeyFormat.plausible(bearerSecret)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256Hex(bearerSecret);
        Entry entry = table().get(hash);
        // The map lookup is keyed by a hash of a 256-bit secret, so its timing reveals nothing useful;
        // the explicit compare is constant-time regardless.
        if (entry == null || !MessageDigest.isEqual(bytes(entry.hash()), bytes(hash))) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!entry.key().activeAt(now) || (entry.validUntil() != null && !entry.validUntil().isAfter(now))) {
            return Optional.empty();
        }
        ProjectKey key = entry.key();
        usedSinceFlush.add(key.id());
        return Optional.of(new VerifiedKey(key.id(), key.projectId(), key.prefix(),
                key.deploymentIds() == null ? null : Set.copyOf(key.deploymentIds()), entry.rateLimit()));
    }

    /** Loads the table at startup so the first prediction call does not pay for it. */
    @EventListener
    void onStartup(StartupEvent event) {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("Could not load project keys at startup; will retry on first use: {}", e.toString());
        }
    }

    /** Reloads once a transaction that changed keys has committed, so revocation here is immediate. */
    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onKeysChanged(KeysChanged event) {
        try {
            reload();
        } catch (RuntimeException e) {
            // The change is committed; the periodic resync will pick it up.
            LOG.warn("Reloading project keys after a change failed: {}", e.toString());
        }
    }

    @Scheduled(fixedDelay = "${kiln.keys.resync-interval:5s}", initialDelay = "${kiln.keys.resync-interval:5s}")
    void resync() {
        try {
            flushLastUsed();
            reload();
        } catch (RuntimeException e) {
            // The database may be briefly unreachable; keep serving from the last table.
            LOG.warn("Project key resync failed, keeping the previous table: {}", e.toString());
        }
    }

    /**
     * Re-reads every usable key. Public so tests and other replicas' notifications can force it. Synchronized so
     * that of two overlapping reloads the one that read last also publishes last (never an older table).
     */
    public synchronized void reload() {
        Instant now = Times.now(clock);
        Map<UUID, Integer> projectDefaults = new HashMap<>();
        for (Project project : projects.findByDefaultRateLimitPerSecondIsNotNull()) {
            projectDefaults.put(project.id(), project.defaultRateLimitPerSecond());
        }
        List<ProjectKey> usable = keys.findUsable(now);
        Map<String, Entry> table = new HashMap<>();
        for (ProjectKey key : usable) {
            Integer rateLimit = key.rateLimitPerSecond() != null ? key.rateLimitPerSecond()
                    : projectDefaults.get(key.projectId());
            table.put(key.secretHash(), new Entry(key, key.secretHash(), null, rateLimit));
            if (key.previousSecretHash() != null && key.previousValidUntil() != null
                    && key.previousValidUntil().isAfter(now)) {
                table.put(key.previousSecretHash(),
                        new Entry(key, key.previousSecretHash(), key.previousValidUntil(), rateLimit));
            }
        }
        Map<UUID, Set<String>> allowed = new HashMap<>();
        origins.allowing().forEach((project, list) -> allowed.put(project, Set.copyOf(list)));
        allowedOrigins = Map.copyOf(allowed);
        byHash = Map.copyOf(table);
    }

    /** Whether the project lets pages of {@code origin} (as the browser sent it) call its deployments. */
    public boolean allowsOrigin(UUID projectId, String origin) {
        table(); // loads on first use, like the keys
        return allowedOrigins.getOrDefault(projectId, Set.of()).contains(origin);
    }

    private Map<String, Entry> table() {
        Map<String, Entry> table = byHash;
        if (table == null) {
            synchronized (this) {
                if (byHash == null) {
                    reload();
                }
                table = byHash;
            }
        }
        return table;
    }

    private void flushLastUsed() {
        if (usedSinceFlush.isEmpty()) {
            return;
        }
        List<UUID> used = List.copyOf(usedSinceFlush);
        used.forEach(usedSinceFlush::remove);
        keys.markUsed(used, Times.now(clock));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
