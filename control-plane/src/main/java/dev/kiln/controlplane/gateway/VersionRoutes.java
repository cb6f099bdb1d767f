package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.deployment.TrafficConverter;
import dev.kiln.controlplane.deployment.TrafficSplit;
import dev.kiln.controlplane.node.InstancesChanged;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The traffic lists of deployments that split or mirror requests, and the model version of every instance, held
 * in memory beside the {@link RoutingTable} and re-read on the same occasions. An instance's version is fixed when
 * its row is created (long before it is READY), so the map knows every instance the routing table can offer.
 * Deployments without a traffic list only lose shadow instances.
 */
@Singleton
public class VersionRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(VersionRoutes.class);

    /**
     * What one request is sent to: {@code serving} (the route narrowed to the chosen version) and, when this request
     * is mirrored, {@code shadow} (the route narrowed to the shadow version).
     */
    public record Narrowed(Route serving, @Nullable Route shadow, @Nullable UUID version) {
    }

    private record Snapshot(Map<UUID, List<TrafficSplit>> traffic, Map<UUID, UUID> versionOf,
                            Set<UUID> shadowInstances) {
    }

    private final JdbcOperations jdbc;
    private final TrafficConverter converter;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Set.of());

    VersionRoutes(JdbcOperations jdbc, TrafficConverter converter) {
        this.jdbc = jdbc;
        this.converter = converter;
    }

    /** The request's version and, by the shadow's weight, a mirrored copy; the route unchanged without a list. */
    public Narrowed narrow(Route route) {
        Snapshot current = snapshot;
        List<TrafficSplit> traffic = current.traffic().get(route.deploymentId());
        if (traffic == null) {
            return new Narrowed(withoutShadows(route, current), null, null);
        }
        Set<UUID> ready = route.ready().stream().map(t -> current.versionOf().get(t.instanceId()))
                .filter(v -> v != null).collect(Collectors.toSet());
        VersionPicker.Choice choice = VersionPicker.choose(traffic, ready, ThreadLocalRandom.current());
        Route serving = choice.serving() == null ? withoutShadows(route, current)
                : withoutShadows(only(route, choice.serving(), current), current);
        return new Narrowed(serving, choice.shadow() == null ? null : only(route, choice.shadow(), current),
                choice.serving());
    }

    /** For a retry: the latest route narrowed to the same version, else to every version that is no shadow. */
    public Route restrict(Route latest, @Nullable UUID version) {
        Snapshot current = snapshot;
        List<TrafficSplit> traffic = current.traffic().get(latest.deploymentId());
        Route narrowed = traffic == null || version == null ? latest : only(latest, version, current);
        return withoutShadows(narrowed.ready().isEmpty() ? latest : narrowed, current);
    }

    /** The model version an instance runs, when known. */
    public Optional<UUID> versionOf(UUID instanceId) {
        return Optional.ofNullable(snapshot.versionOf().get(instanceId));
    }

    @Scheduled(fixedDelay = "${kiln.gateway.refresh-interval:1s}")
    void periodicRefresh() {
        refresh();
    }

    @EventListener
    void onInstancesChanged(InstancesChanged event) {
        refresh();
    }

    /** Re-reads both maps now (blocking); a failed read keeps the previous ones. */
    public synchronized void refresh() {
        try {
            snapshot = load();
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the traffic lists, keeping the previous ones: {}", e.toString());
        }
    }

    private static Route only(Route route, UUID version, Snapshot current) {
        return with(route, route.ready().stream().filter(t -> version.equals(current.versionOf().get(t.instanceId())))
                .toList());
    }

    /**
     * A shadow instance never answers a caller, with or without a traffic list (one that removed the shadow may
     * still be rolling out). Its row exists from the moment it is scheduled, long before it can be READY.
     */
    private static Route withoutShadows(Route route, Snapshot current) {
        if (current.shadowInstances().isEmpty()
                || route.ready().stream().noneMatch(t -> current.shadowInstances().contains(t.instanceId()))) {
            return route;
        }
        return with(route, route.ready().stream().filter(t -> !current.shadowInstances().contains(t.instanceId()))
                .toList());
    }

    private static Route with(Route route, List<Target> ready) {
        return new Route(route.deploymentId(), route.projectId(), route.timeoutMs(), route.rateLimitPerSecond(),
                ready);
    }

    private Snapshot load() {
        return jdbc.execute(connection -> {
            Map<UUID, List<TrafficSplit>> traffic = new HashMap<>();
            Map<UUID, UUID> versionOf = new HashMap<>();
            Set<UUID> shadowInstances = new HashSet<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id, traffic::text FROM deployments WHERE traffic IS NOT NULL AND status <> 'DELETING'");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    traffic.put(rows.getObject(1, UUID.class), converter.convertToEntityValue(rows.getString(2), null));
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id, model_version_id, shadow FROM instances");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versionOf.put(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class));
                    if (rows.getBoolean(3)) {
                        shadowInstances.add(rows.getObject(1, UUID.class));
                    }
                }
            }
            return new Snapshot(Map.copyOf(traffic), Map.copyOf(versionOf), Set.copyOf(shadowInstances));
        });
    }
}
