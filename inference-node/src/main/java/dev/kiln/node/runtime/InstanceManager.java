package dev.kiln.node.runtime;

import ai.onnxruntime.OrtSession;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceReport;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The instances this node serves, kept equal to its assignments: new ones are loaded in the background (LOADING →
 * READY or FAILED), removed ones stop taking requests at once and close after their in-flight requests.
 */
@Singleton
public final class InstanceManager {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceManager.class);
    private static final int FETCH_ATTEMPTS = 6;
    private final Map<UUID, ServingInstance> instances = new ConcurrentHashMap<>();
    private final OrtRuntime ort;
    private final InferencePool pool;
    private final DescriptorValidator validator;
    private final QueueSizing queueSizing;
    private final ExecutorService loader = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("kiln-loader-", 1).daemon().factory());
    /** Wakes batches whose queue delay has ended; it only hands work to the inference pool. */
    private final ScheduledExecutorService batchTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiln-batch-timer").daemon().factory());

    public InstanceManager(OrtRuntime ort, InferencePool pool, DescriptorValidator validator, QueueSizing queueSizing) {
        this.ort = ort;
        this.queueSizing = queueSizing;
        this.pool = pool;
        this.validator = validator;
    }

    /** Makes the served set equal to {@code desired}; loading happens in the background. */
    public synchronized void apply(List<Assignment> desired, ArtifactResolver artifacts) {
        Set<UUID> wanted = desired.stream().map(Assignment::instanceId).collect(Collectors.toSet());
        for (UUID id : List.copyOf(instances.keySet())) {
            if (!wanted.contains(id)) {
                remove(id);
            }
        }
        for (Assignment assignment : desired) {
            if (!instances.containsKey(assignment.instanceId())) {
                start(assignment, artifacts);
            }
        }
    }

    /** Adds one instance beside the current ones, from a local file (tools and tests; the agent uses {@link #apply}). */
    public synchronized ServingInstance add(Assignment assignment, Path model) {
        ServingInstance existing = instances.get(assignment.instanceId());
        return existing != null ? existing : start(assignment, a -> model);
    }

    private ServingInstance start(Assignment assignment, ArtifactResolver artifacts) {
        QueueClamp queue = queueSizing.clamp(assignment);
        if (queue.clampedBy() != null) {
            LOG.info("Instance {}: maxQueue {} clamped to {} by {}", assignment.instanceId(), queue.configured(),
                    queue.effective(), queue.clampedBy());
        }
        ServingInstance instance = new ServingInstance(assignment, ort.environment(), pool, pool.threads(), batchTimer,
                queue);
        instances.put(assignment.instanceId(), instance);
        loader.execute(() -> load(instance, artifacts));
        return instance;
    }

    public Optional<ServingInstance> find(UUID instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    public List<ServingInstance> all() {
        return List.copyOf(instances.values());
    }

    /**
     * Observed state for the heartbeat: the assigned instances as LOADING, READY or FAILED (the protocol's node-side
     * states). Unassigned ones finishing their last requests are no longer the control plane's concern.
     */
    public List<InstanceReport> reports() {
        return instances.values().stream().map(ServingInstance::report)
                .sorted(Comparator.comparing(r -> r.instanceId().toString())).toList();
    }

    private void remove(UUID id) {
        ServingInstance instance = instances.remove(id);
        if (instance != null) {
            LOG.info("Instance {} unassigned; draining {} in-flight request(s)", id, instance.outstanding());
            instance.drain();
        }
    }

    private void load(ServingInstance instance, ArtifactResolver artifacts) {
        Assignment a = instance.assignment();
        long started = System.nanoTime();
        try {
            Optional<String> problem = validator.problem(a.descriptor());
            if (problem.isPresent()) {
                throw new ModelLoadException(problem.get());
            }
            Path model = fetch(instance, artifacts);
            List<Integer> gpus = a.gpuIndices() == null ? List.of() : a.gpuIndices();
            List<OrtSession> sessions = ort.open(model, gpus);
            instance.ready(sessions);
            LOG.info("Instance {} of deployment {} READY ({} {}) in {} ms", a.instanceId(), a.deploymentId(),
                    a.modelName(), a.versionTag(), (System.nanoTime() - started) / 1_000_000);
        } catch (ModelLoadException e) {
            fail(instance, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(instance, "The node stopped while loading the model.", e);
        } catch (RuntimeException e) {
            fail(instance, "The model could not be loaded: " + e.getMessage(), e);
        }
    }

    /** The model file; a failed download is retried with backoff while the instance is still wanted. */
    private Path fetch(ServingInstance instance, ArtifactResolver artifacts)
            throws ModelLoadException, InterruptedException {
        long delayMs = 500;
        for (int attempt = 1; ; attempt++) {
            try {
                return artifacts.resolve(instance.assignment());
            } catch (java.io.IOException e) {
                if (attempt >= FETCH_ATTEMPTS || instance.draining()) {
                    throw new ModelLoadException("The model could not be fetched: " + e.getMessage(), e);
                }
                LOG.warn("Fetching the model of instance {} failed ({}); retrying in {} ms",
                        instance.id(), e.getMessage(), delayMs);
                Thread.sleep(delayMs);
                delayMs = Math.min(delayMs * 2, 15_000);
            }
        }
    }

    private void fail(ServingInstance instance, String message, Exception e) {
        LOG.warn("Instance {} FAILED: {}", instance.id(), message, LOG.isDebugEnabled() ? e : null);
        instance.failed(message);
    }

    @PreDestroy
    synchronized void close() {
        loader.shutdownNow();
        batchTimer.shutdownNow();
        instances.keySet().forEach(this::remove);
    }
}
