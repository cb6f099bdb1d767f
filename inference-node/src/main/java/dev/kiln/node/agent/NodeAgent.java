package dev.kiln.node.agent;

import dev.kiln.node.cache.ModelCache;
import dev.kiln.node.metrics.ProcessMetrics;
import dev.kiln.node.runtime.ArtifactResolver;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.Assignments;
import dev.kiln.protocol.Heartbeat;
import dev.kiln.protocol.NodeCredentials;
import dev.kiln.protocol.NodeRegistration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Joins the control plane and keeps this node's instances equal to its assignments: registers (or reuses saved
 * credentials), heartbeats observed state, long-polls assignments and applies them. The control plane being away
 * changes nothing that is served; calls are retried with backoff, and rejected credentials lead to a new
 * registration.
 */
@Singleton
@Requires(property = "kiln.node.agent-enabled", notEquals = "false")
public final class NodeAgent implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    private static final long DEFAULT_HEARTBEAT_MS = 5_000;
    private final NodeConfig config;
    private final JsonMapper json;
    private final InstanceManager instances;
    private final CredentialsHolder credentials;
    private final ProcessMetrics metrics;
    private final GpuInventory gpus;
    private final ControlPlaneClient client;
    private final StatsOutbox stats;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiln-heartbeat").daemon().factory());
    private volatile boolean running;
    private volatile Thread agentThread;
    private NodeIdentity identity;
    private CredentialStore store;
    private ModelCache cache;
    private long version = -1;
    private final Object registrationLock = new Object();
    private final java.util.concurrent.atomic.AtomicLong lastFailureLog = new java.util.concurrent.atomic.AtomicLong();

    public NodeAgent(NodeConfig config, JsonMapper json, InstanceManager instances, CredentialsHolder credentials,
                     ProcessMetrics metrics, GpuInventory gpus, StatsOutbox stats) {
        this.config = config;
        this.json = json;
        this.instances = instances;
        this.credentials = credentials;
        this.metrics = metrics;
        this.gpus = gpus;
        this.stats = stats;
        this.client = new ControlPlaneClient(config, json);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        start(event.getSource().getPort());
    }

    synchronized void start(int port) {
        if (running) {
            return;
        }
        identity = NodeIdentity.of(config, port);
        store = new CredentialStore(identity.home(), json);
        cache = new ModelCache(identity.home().resolve("models"));
        Optional<SavedCredentials> saved = store.load();
        if (saved.isEmpty() && !NodeConfig.present(config.joinToken())) {
            throw new IllegalStateException("KILN_JOIN_TOKEN is required: this node has no saved credentials in "
                    + store.path() + " and cannot join the control plane without the join token.");
        }
        saved.ifPresent(credentials::restored);
        running = true;
        stats.start();
        agentThread = Thread.ofPlatform().name("kiln-agent").daemon().start(this::run);
        LOG.info("Node {} at {} joining {} (home {})", identity.name(), identity.address(), config.controlPlaneUrl(),
                identity.home());
    }

    private void run() {
        try {
            NodeCredentials current = credentials.current().orElse(null);
            if (current == null) {
                current = registerUntilDone(null);
            }
            if (current == null) {
                return;
            }
            long interval = current.heartbeatIntervalMs() > 0 ? current.heartbeatIntervalMs() : DEFAULT_HEARTBEAT_MS;
            heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, interval, TimeUnit.MILLISECONDS);
            poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The long-poll loop: apply every new version of the assignments, back off while the control plane is away. */
    private void poll() throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        while (running) {
            NodeCredentials current = credentials.current().orElseThrow();
            try {
                Assignments assignments = client.assignments(current, version, config.pollWait());
                if (assignments.version() != version) {
                    apply(assignments);
                }
                backoff.reset();
            } catch (ControlPlaneException e) {
                if (e.unauthorized()) {
                    reRegister(current);
                } else {
                    logFailure("assignments", e);
                    Thread.sleep(backoff.next().toMillis());
                }
            } catch (IOException | RuntimeException e) {
                logFailure("assignments", e);
                Thread.sleep(backoff.next().toMillis());
            }
        }
    }

    private void apply(Assignments assignments) {
        // A serializer may leave an empty list out; no list means no instances.
        List<Assignment> desired = assignments.instances() == null ? List.of() : assignments.instances();
        LOG.info("Assignments version {}: {} instance(s)", assignments.version(), desired.size());
        instances.apply(desired, artifacts());
        version = assignments.version();
        // Tell the control plane as soon as an instance is READY or FAILED, not at the next tick.
        for (ServingInstance instance : instances.all()) {
            if (!instance.settled().isDone()) {
                instance.settled().thenRun(this::heartbeatSoon);
            }
        }
    }

    private ArtifactResolver artifacts() {
        return assignment -> cache.obtain(assignment.artifactSha256(),
                sha -> client.artifact(credentials.current().orElseThrow(), sha));
    }

    private void heartbeatSoon() {
        if (running) {
            heartbeats.execute(this::heartbeat);
        }
    }

    private void heartbeat() {
        NodeCredentials current = credentials.current().orElse(null);
        if (current == null || !running) {
            return;
        }
        StatsOutbox.Batch batch = stats.next();
        Heartbeat beat = new Heartbeat(instances.reports(), gpus.gpus(), metrics.cpuPercent(), metrics.memoryBytes(),
                batch.windows(), batch.samples());
        try {
            client.heartbeat(current, beat);
            // Only an acknowledged heartbeat delivered its stats; anything else sends them again next time.
            stats.delivered(batch);
        } catch (ControlPlaneException e) {
            if (e.unauthorized()) {
                reRegister(current);
            } else {
                logFailure("heartbeat", e);
            }
        } catch (IOException | RuntimeException e) {
            logFailure("heartbeat", e);
        }
    }

    /**
     * The control plane no longer knows these credentials (its database was reset, or the node was removed):
     * register again as the same node. Only the first caller that saw them fail does it.
     */
    private void reRegister(NodeCredentials rejected) {
        synchronized (registrationLock) {
            if (credentials.current().map(c -> !c.nodeSecret().equals(rejected.nodeSecret())).orElse(false)) {
                return;
            }
            LOG.warn("The control plane rejected this node's credentials; registering again");
            try {
                registerUntilDone(rejected);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private NodeCredentials registerUntilDone(@Nullable NodeCredentials previous) throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        while (running) {
            if (!NodeConfig.present(config.joinToken())) {
                LOG.error("Cannot register: KILN_JOIN_TOKEN is not set");
                Thread.sleep(backoff.next().toMillis());
                continue;
            }
            try {
                NodeCredentials issued = client.register(
                        registration(previous == null ? null : previous.nodeId()), config.joinToken().trim(), previous);
                store.save(credentials.issued(issued));
                LOG.info("Registered as node {}", issued.nodeId());
                return credentials.current().orElseThrow();
            } catch (IOException | RuntimeException e) {
                logFailure("registration", e);
                Thread.sleep(backoff.next().toMillis());
            }
        }
        return null;
    }

    private NodeRegistration registration(UUID previousId) {
        return new NodeRegistration(previousId, identity.name(), identity.address(), identity.region(),
                identity.labels(), metrics.cpuCores(), metrics.totalMemoryBytes(), gpus.gpus(), NodeVersion.get());
    }

    /** One line per failure, at most every 30 s, so an absent control plane does not flood the log. */
    private void logFailure(String what, Exception e) {
        if (!running) {
            return; // shutting down: interrupted calls are expected
        }
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (last != 0 && now - last < TimeUnit.SECONDS.toNanos(30) || !lastFailureLog.compareAndSet(last, now)) {
            LOG.debug("{} failed: {}", what, e.getMessage());
            return;
        }
        LOG.warn("Control plane {} failed: {} (retrying; serving current assignments)", what, e.getMessage());
    }

    @PreDestroy
    void stop() {
        running = false;
        heartbeats.shutdownNow();
        Thread t = agentThread;
        if (t != null) {
            t.interrupt();
        }
    }
}
