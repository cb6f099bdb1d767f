package dev.kiln.node.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.batching.BatchPolicy;
import dev.kiln.node.batching.BatchSizes;
import dev.kiln.node.batching.Batcher;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceReport;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ServingSettings;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One assigned instance: its sessions, its admission limit (the bounded queue of DESIGN §4.3) and its state. Requests
 * are admitted while it is READY; once it is drained its sessions close after the last admitted request is done.
 */
public final class ServingInstance {
    private final Assignment assignment;
    private final OrtEnvironment env;
    private final Executor pool;
    private final int concurrency;
    private final DirectBufferPool buffers;
    private final ScheduledExecutorService timer;
    private final QueueClamp queue;
    private final BatchSizes batchSizes = new BatchSizes();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger nextSession = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<ServingInstance> settled = new CompletableFuture<>();
    private volatile InstanceStatus status = InstanceStatus.LOADING;
    private volatile String error;
    private volatile List<OrtSession> sessions = List.of();
    private volatile boolean draining;
    private volatile Batcher batcher;

    ServingInstance(Assignment assignment, OrtEnvironment env, Executor pool, int concurrency,
                    ScheduledExecutorService timer, QueueClamp queue) {
        this.assignment = assignment;
        this.queue = queue;
        this.env = env;
        this.pool = pool;
        this.concurrency = concurrency;
        this.timer = timer;
        this.buffers = new DirectBufferPool(concurrency * 2);
    }

    public UUID id() {
        return assignment.instanceId();
    }

    public Assignment assignment() {
        return assignment;
    }

    public InstanceStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    public int outstanding() {
        return outstanding.get();
    }

    /** The deployment's {@code maxQueue} and the length this node's memory allows. */
    public QueueClamp queue() {
        return queue;
    }

    public DirectBufferPool buffers() {
        return buffers;
    }

    /** Runs made so far by batch size (1 for every unbatched run). */
    public BatchSizes batchSizes() {
        return batchSizes;
    }

    /** Whether requests are batched: the deployment allows it and the model has a dynamic batch dimension. */
    public boolean batching() {
        return batcher != null;
    }

    private static ServingSettings settings(Assignment a) {
        return a.settings() == null ? ServingSettings.defaults() : a.settings();
    }

    /** Completes when loading ended, READY or FAILED. */
    public CompletableFuture<ServingInstance> settled() {
        return settled;
    }

    public InstanceReport report() {
        return new InstanceReport(id(), status, error, outstanding.get(), queue.effective(), queue.clampedBy());
    }

    /**
     * Requests an instance holds at most: {@code maxQueue} (as memory allows) waiting plus one running per inference
     * thread (a batch per thread when batching). Counted from arrival, so images being fetched and decoded are
     * bounded too.
     */
    int capacity() {
        ServingSettings s = settings(assignment);
        return queue.effective() + concurrency * (batcher != null ? s.maxBatchSize() : 1);
    }

    /** Admits one request, or empty when the instance is not ready or full. Close the admission when done. */
    public Optional<Admission> tryAdmit() {
        if (status != InstanceStatus.READY || draining) {
            return Optional.empty();
        }
        int cap = capacity();
        while (true) {
            int now = outstanding.get();
            if (now >= cap) {
                return Optional.empty();
            }
            if (outstanding.compareAndSet(now, now + 1)) {
                break;
            }
        }
        if (draining) {
            // Lost a race with drain(): back out so the sessions can close.
            release();
            return Optional.empty();
        }
        return Optional.of(new Admission(this));
    }

    void release() {
        if (outstanding.decrementAndGet() == 0 && draining) {
            closeSessions();
        }
    }

    /**
     * Runs the model on an inference thread and reads its outputs there; on a batching instance the input waits to be
     * stacked with others of its shape and the reader sees only this request's rows. The future fails with
     * {@link InferenceFailedException} when the model fails, {@link InferenceCancelledException} when the request
     * was cancelled first.
     */
    public <T> CompletableFuture<InferenceOutcome<T>> infer(InputTensor input, RunControl control, OutputReader<T> reader) {
        Batcher b = batcher;
        if (b != null && Batcher.accepts(input)) {
            return b.submit(input, control, reader);
        }
        CompletableFuture<InferenceOutcome<T>> result = new CompletableFuture<>();
        long submitted = System.nanoTime();
        try {
            pool.execute(() -> run(input, control, reader, submitted, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new InferenceFailedException("the node is shutting down", e));
        }
        return result;
    }

    /**
     * Runs {@code task} with one of the instance's sessions on an inference thread, for callers that make their own
     * tensors (the raw-tensor infer endpoint): same threads and session rotation as {@link #infer}.
     */
    public <T> CompletableFuture<T> withSession(SessionTask<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                List<OrtSession> current = sessions;
                try {
                    if (current.isEmpty()) {
                        throw new InferenceFailedException("the instance is not loaded", null);
                    }
                    result.complete(task.run(env, current.get(Math.floorMod(nextSession.getAndIncrement(),
                            current.size()))));
                } catch (OrtException e) {
                    result.completeExceptionally(new InferenceFailedException(OrtRuntime.firstLine(e.getMessage()), e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new InferenceFailedException("the node is shutting down", e));
        }
        return result;
    }

    /** Work on one session, on an inference thread. */
    @FunctionalInterface
    public interface SessionTask<T> {
        T run(OrtEnvironment env, OrtSession session) throws OrtException;
    }

    private <T> void run(InputTensor input, RunControl control, OutputReader<T> reader, long submitted,
                         CompletableFuture<InferenceOutcome<T>> result) {
        long started = System.nanoTime();
        List<OrtSession> current = sessions;
        if (control.cancelled() || current.isEmpty()) {
            result.completeExceptionally(control.cancelled() ? new InferenceCancelledException()
                    : new InferenceFailedException("the instance is not loaded", null));
            return;
        }
        OrtSession session = current.get(Math.floorMod(nextSession.getAndIncrement(), current.size()));
        batchSizes.record(1);
        InferenceOutcome<T> outcome = null;
        RuntimeException failure = null;
        try (OnnxTensor tensor = input.create(env); OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            if (!control.attach(options)) {
                throw new InferenceCancelledException();
            }
            try (OrtSession.Result outputs = session.run(Map.of(input.name(), tensor), options)) {
                control.detach();
                long ran = System.nanoTime();
                T value = reader.read(ModelOutputs.of(outputs));
                outcome = new InferenceOutcome<>(value, ms(started - submitted), ms(ran - started),
                        ms(System.nanoTime() - ran));
            }
        } catch (OrtException e) {
            failure = control.cancelled() ? new InferenceCancelledException()
                    : new InferenceFailedException(OrtRuntime.firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            control.detach();
        }
        // Completed only after the input tensor is closed: whoever continues may reuse its buffer at once.
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(outcome);
        }
    }

    /** The next session in turn, empty once closed. */
    private Optional<OrtSession> nextSession() {
        List<OrtSession> current = sessions;
        return current.isEmpty() ? Optional.empty()
                : Optional.of(current.get(Math.floorMod(nextSession.getAndIncrement(), current.size())));
    }

    void ready(List<OrtSession> opened) {
        sessions = opened;
        BatchPolicy policy = BatchPolicy.of(settings(assignment));
        boolean dynamicBatch = assignment.descriptor().input().dynamicBatch();
        if (policy.batches() && dynamicBatch && !opened.isEmpty() && Batcher.canBatch(opened.getFirst())) {
            batcher = new Batcher(policy, env, pool, timer, this::nextSession, buffers, batchSizes,
                    outstanding::get);
        }
        status = InstanceStatus.READY;
        settled.complete(this);
        if (draining) {
            closeSessions();
        }
    }

    void failed(String message) {
        error = message;
        status = InstanceStatus.FAILED;
        settled.complete(this);
    }

    /** Stops admitting; the sessions close once the requests already admitted have finished. */
    void drain() {
        draining = true;
        if (outstanding.get() == 0) {
            closeSessions();
        }
    }

    boolean draining() {
        return draining;
    }

    private void closeSessions() {
        if (status == InstanceStatus.LOADING || !closed.compareAndSet(false, true)) {
            return;
        }
        List<OrtSession> toClose = sessions;
        sessions = List.of();
        toClose.forEach(OrtRuntime::closeQuietly);
    }

    boolean closed() {
        return closed.get();
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
