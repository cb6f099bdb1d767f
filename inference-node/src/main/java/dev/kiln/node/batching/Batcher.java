package dev.kiln.node.batching;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.InferenceCancelledException;
import dev.kiln.node.runtime.InferenceFailedException;
import dev.kiln.node.runtime.InferenceOutcome;
import dev.kiln.node.runtime.InputTensor;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.node.runtime.OutputReader;
import dev.kiln.node.runtime.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Dynamic batching for one instance. Requests wait in a queue until {@link BatchPolicy} says a batch is due; then
 * one task on the inference pool takes the oldest request and up to {@code maxBatchSize - 1} more of the same input
 * shape (taken when the task starts, so requests that arrived while the threads were busy join it), stacks them,
 * runs the model once and gives each request its own rows. Requests of different shapes are never stacked.
 * <p>
 * A request waits for company only while other admitted requests are still on their way (being read and decoded):
 * when every admitted request is already here, waiting could not grow the batch and would only add latency.
 */
public final class Batcher {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
    private final BatchPolicy policy;
    private final OrtEnvironment env;
    private final Executor pool;
    private final ScheduledExecutorService timer;
    private final Supplier<Optional<OrtSession>> sessions;
    private final DirectBufferPool buffers;
    private final BatchSizes sizes;
    private final IntSupplier admitted;
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    /** Requests submitted here and not yet answered: queued or in a running batch. */
    private int held;
    private boolean taskQueued;
    private ScheduledFuture<?> wakeUp;

    /**
     * @param admitted the instance's requests from admission to answer: those not submitted here yet are on their way
     */
    public Batcher(BatchPolicy policy, OrtEnvironment env, Executor pool, ScheduledExecutorService timer,
                   Supplier<Optional<OrtSession>> sessions, DirectBufferPool buffers, BatchSizes sizes,
                   IntSupplier admitted) {
        this.policy = policy;
        this.env = env;
        this.pool = pool;
        this.timer = timer;
        this.sessions = sessions;
        this.buffers = buffers;
        this.sizes = sizes;
        this.admitted = admitted;
    }

    /** Whether the model's outputs can be split per request, which batching needs. */
    public static boolean canBatch(OrtSession session) {
        try {
            return Tensors.outputsBatchFirst(session);
        } catch (OrtException e) {
            return false;
        }
    }

    /** Whether {@code input} can join a batch: a single image with the batch dimension first. */
    public static boolean accepts(InputTensor input) {
        return input.shape().length >= 2 && input.shape()[0] == 1;
    }

    /**
     * Queues one request. A timed-out request is dropped if its batch has not started; once it has, it runs to the
     * end, since stopping the run would fail the other requests in it.
     */
    public <T> CompletableFuture<InferenceOutcome<T>> submit(InputTensor input, RunControl control,
                                                             OutputReader<T> reader) {
        Pending<T> request = new Pending<>(input, control, reader, new CompletableFuture<>(), System.nanoTime(),
                key(input));
        synchronized (this) {
            held++;
            queue.addLast(request);
            schedule();
        }
        request.result().whenComplete((r, e) -> answered());
        return request.result();
    }

    /** Starts a task when a batch is due, or wakes up when the oldest request's delay ends. Holds the lock. */
    private void schedule() {
        if (queue.isEmpty() || taskQueued) {
            return;
        }
        long waitNanos = queue.peekFirst().submitted() + TimeUnit.MILLISECONDS.toNanos(policy.maxQueueDelayMs())
                - System.nanoTime();
        boolean nothingOnItsWay = admitted.getAsInt() <= held;
        if (waitNanos <= 0 || nothingOnItsWay || fullBatchWaiting()) {
            taskQueued = true;
            try {
                pool.execute(this::runNext);
            } catch (RejectedExecutionException e) {
                taskQueued = false;
                List<Pending<?>> dropped = new ArrayList<>(queue);
                queue.clear();
                dropped.forEach(p -> p.result().completeExceptionally(
                        new InferenceFailedException("the node is shutting down", e)));
            }
        } else if (wakeUp == null) {
            try {
                wakeUp = timer.schedule(this::wake, waitNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The node is stopping: nothing will run these any more.
                queue.forEach(p -> p.result().completeExceptionally(
                        new InferenceFailedException("the node is shutting down", e)));
                queue.clear();
            }
        }
    }

    private synchronized void answered() {
        held--;
    }

    private synchronized void wake() {
        wakeUp = null;
        schedule();
    }

    private boolean fullBatchWaiting() {
        Map<List<Long>, Integer> counts = new java.util.HashMap<>();
        for (Pending<?> p : queue) {
            if (counts.merge(p.key(), 1, Integer::sum) >= policy.maxBatchSize()) {
                return true;
            }
        }
        return false;
    }

    /** On an inference thread: takes the next batch and runs it. */
    private void runNext() {
        List<Pending<?>> batch = new ArrayList<>();
        List<Pending<?>> cancelled = new ArrayList<>();
        synchronized (this) {
            taskQueued = false;
            List<Long> key = queue.isEmpty() ? null : queue.peekFirst().key();
            for (Iterator<Pending<?>> it = queue.iterator(); it.hasNext() && batch.size() < policy.maxBatchSize(); ) {
                Pending<?> p = it.next();
                if (p.key().equals(key)) {
                    it.remove();
                    (p.control().cancelled() ? cancelled : batch).add(p);
                }
            }
            // Another thread may take the next batch while this one runs.
            schedule();
        }
        cancelled.forEach(p -> p.result().completeExceptionally(new InferenceCancelledException()));
        if (!batch.isEmpty()) {
            run(batch);
        }
    }

    private void run(List<Pending<?>> batch) {
        long started = System.nanoTime();
        Optional<OrtSession> session = sessions.get();
        if (session.isEmpty()) {
            batch.forEach(p -> p.result().completeExceptionally(
                    new InferenceFailedException("the instance is not loaded", null)));
            return;
        }
        int size = batch.size();
        List<InputTensor> inputs = batch.stream().<InputTensor>map(Pending::input).toList();
        ByteBuffer stacked = size == 1 ? inputs.getFirst().buffer() : Tensors.stack(inputs, buffers);
        List<ModelOutputs> rows = List.of();
        long ran;
        sizes.record(size);
        try (OnnxTensor tensor = Tensors.tensor(env, inputs.getFirst(), stacked, size);
             OrtSession.Result outputs = session.get().run(Map.of(inputs.getFirst().name(), tensor))) {
            ran = System.nanoTime();
            if (size == 1) {
                batch.getFirst().finish(ModelOutputs.of(outputs), started, ran);
                return;
            }
            rows = Tensors.split(env, outputs, size);
        } catch (Tensors.NotBatchFirstException e) {
            // The model's outputs turned out not to be one row per image: answer each request on its own.
            LOG.warn("Batched outputs could not be split ({}); running {} requests one by one", e.getMessage(), size);
            batch.forEach(p -> run(List.of(p)));
            return;
        } catch (OrtException e) {
            InferenceFailedException failure = new InferenceFailedException(firstLine(e.getMessage()), e);
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        } finally {
            if (size > 1) {
                buffers.release(stacked);
            }
        }
        for (int i = 0; i < size; i++) {
            try (ModelOutputs row = rows.get(i)) {
                batch.get(i).finish(row, started, ran);
            }
        }
    }

    private static List<Long> key(InputTensor input) {
        List<Long> key = new ArrayList<>(Arrays.stream(input.shape()).boxed().toList());
        key.add(input.uint8() ? 1L : 0L);
        return List.copyOf(key);
    }

    private static String firstLine(String message) {
        String s = String.valueOf(message);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private record Pending<T>(InputTensor input, RunControl control, OutputReader<T> reader,
                              CompletableFuture<InferenceOutcome<T>> result, long submitted, List<Long> key) {

        /** Reads this request's outputs and completes it; a reader's failure fails this request only. */
        void finish(ModelOutputs outputs, long started, long ran) {
            try {
                T value = reader.read(outputs);
                result.complete(new InferenceOutcome<>(value, ms(started - submitted), ms(ran - started),
                        ms(System.nanoTime() - ran)));
            } catch (OrtException e) {
                result.completeExceptionally(new InferenceFailedException(firstLine(e.getMessage()), e));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private static double ms(long nanos) {
            return nanos / 1_000_000.0;
        }
    }
}
