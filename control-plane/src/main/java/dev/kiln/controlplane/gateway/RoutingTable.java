package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.node.GatewayTokens;
import dev.kiln.controlplane.node.InstancesChanged;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every live deployment with its READY instances, held in memory so a prediction never waits on the
 * database. Re-read every {@code kiln.gateway.refresh-interval}, at once after this replica changes
 * instances, and (rate-limited) when asked for a deployment it does not know yet.
 */
@Singleton
public class RoutingTable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

    private static final String SQL = """
            SELECT d.id, d.project_id, d.timeout_ms, d.rate_limit_per_second, r.instance_id, r.node_id, r.address,
                   r.gateway_token_sealed
            FROM deployments d
            LEFT JOIN (SELECT i.deployment_id, i.id AS instance_id, n.id AS node_id, n.address, n.gateway_token_sealed
                       FROM instances i JOIN nodes n ON n.id = i.node_id
                       WHERE i.status = 'READY' AND n.state <> 'LOST'
                             AND n.gateway_token_sealed IS NOT NULL) r ON r.deployment_id = d.id
            WHERE d.status <> 'DELETING'
            ORDER BY d.id, r.instance_id""";

    private final JdbcOperations jdbc;
    private final GatewayTokens gatewayTokens;
    private final ExecutorService blocking;
    private final GatewayConfig config;
    private final Clock clock;
    /** Each node's token as last opened, replaced when its sealed form changes (the node registered again). */
    private Map<UUID, OpenedToken> tokens = Map.of();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    private volatile Map<UUID, Route> routes = Map.of();
    private volatile long lastLoadStartMillis = Long.MIN_VALUE / 2;

    RoutingTable(JdbcOperations jdbc, GatewayTokens gatewayTokens,
                 @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
                 GatewayConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.gatewayTokens = gatewayTokens;
        this.blocking = blocking;
        this.config = config;
        this.clock = clock;
    }

    /** The deployment's route; a miss re-reads the table (at most every miss-refresh-gap) before answering. */
    public CompletableFuture<Optional<Route>> find(UUID deploymentId) {
        Route route = routes.get(deploymentId);
        if (route != null || clock.millis() - lastLoadStartMillis < config.missRefreshGap().toMillis()) {
            return CompletableFuture.completedFuture(Optional.ofNullable(route));
        }
        return refreshAsync().thenApply(ignored -> Optional.ofNullable(routes.get(deploymentId)));
    }

    /** The deployment's route as last read, without any refresh. */
    public Optional<Route> current(UUID deploymentId) {
        return Optional.ofNullable(routes.get(deploymentId));
    }

    /**
     * Re-reads the table now, on the calling thread (blocking). Serialized, so a read that started earlier can
     * never publish over a later one (a periodic read racing an explicit one would otherwise bring back stale
     * routes).
     */
    public synchronized void refresh() {
        lastLoadStartMillis = clock.millis();
        routes = load();
    }

    @Scheduled(fixedDelay = "${kiln.gateway.refresh-interval:1s}")
    void periodicRefresh() {
        refreshAsync();
    }

    @EventListener
    void onInstancesChanged(InstancesChanged event) {
        refreshAsync();
    }

    /**
     * Coalesces concurrent requests into one re-read at a time; a request arriving during a read gets a
     * further read, so it never settles for data read before it asked.
     */
    CompletableFuture<Void> refreshAsync() {
        requested.set(true);
        if (!running.compareAndSet(false, true)) {
            return inFlight;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight = done;
        blocking.execute(() -> {
            try {
                while (requested.getAndSet(false)) {
                    refresh();
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not refresh the gateway routes, keeping the previous ones: {}", e.toString());
            } finally {
                running.set(false);
                done.complete(null);
                if (requested.get()) {
                    refreshAsync();
                }
            }
        });
        return done;
    }

    private Map<UUID, Route> load() {
        Map<UUID, OpenedToken> opened = new HashMap<>();
        Map<UUID, Route> loaded = jdbc.execute(connection -> {
            Map<UUID, Route> deployments = new HashMap<>();
            Map<UUID, List<Target>> ready = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(SQL);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID deploymentId = rows.getObject("id", UUID.class);
                    Route route = new Route(deploymentId, rows.getObject("project_id", UUID.class),
                            rows.getInt("timeout_ms"), rows.getObject("rate_limit_per_second", Integer.class), List.of());
                    deployments.putIfAbsent(deploymentId, route);
                    List<Target> targets = ready.computeIfAbsent(deploymentId, id -> new ArrayList<>());
                    UUID instanceId = rows.getObject("instance_id", UUID.class);
                    if (instanceId != null) {
                        UUID nodeId = rows.getObject("node_id", UUID.class);
                        String address = rows.getString("address");
                        token(opened, nodeId, rows.getString("gateway_token_sealed")).ifPresent(token ->
                                targets.add(new Target(instanceId, nodeId, address, token)));
                    }
                }
            }
            Map<UUID, Route> table = new HashMap<>();
            deployments.forEach((id, route) -> table.put(id, new Route(id, route.projectId(), route.timeoutMs(),
                    route.rateLimitPerSecond(), List.copyOf(ready.get(id)))));
            return Map.copyOf(table);
        });
        tokens = opened;
        return loaded;
    }

    /** @param token null when the sealed value does not open with this replica's key */
    private record OpenedToken(String sealed, @Nullable String token) {
    }

    /**
     * Opens a node's token once per sealed value. One that does not open (another key) leaves the node unrouted and
     * is logged once, not at every refresh.
     */
    private Optional<String> token(Map<UUID, OpenedToken> opened, UUID nodeId, String sealed) {
        OpenedToken known = opened.getOrDefault(nodeId, tokens.get(nodeId));
        if (known == null || !known.sealed().equals(sealed)) {
            known = new OpenedToken(sealed, open(nodeId, sealed));
        }
        opened.put(nodeId, known);
        return Optional.ofNullable(known.token());
    }

    @Nullable
    private String open(UUID nodeId, String sealed) {
        try {
            return gatewayTokens.open(nodeId, sealed);
        } catch (IllegalArgumentException e) {
            LOG.warn("Cannot open the gateway token of node {} ({}): is KILN_NODE_TOKEN_KEY the same on every "
                    + "replica? No traffic goes to it from this replica.", nodeId, e.getMessage());
            return null;
        }
    }
}
