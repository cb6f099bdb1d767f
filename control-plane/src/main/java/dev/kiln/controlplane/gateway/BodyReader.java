package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.common.ByteBudget;
import io.micronaut.http.body.ByteBody;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Collects a streamed request body up to a limit, counting bytes as they arrive (a missing or lying
 * Content-Length cannot get more through), and stops reading as soon as the limit is passed. A body of declared
 * length is read into one array of that size; a chunked one grows its lease of the in-flight budget chunk by chunk
 * and stops reading when the budget is spent.
 */
final class BodyReader implements Subscriber<byte[]> {

    /** How reading a body ended. */
    sealed interface Result {
        record Read(byte[] bytes) implements Result {
        }

        record TooLarge() implements Result {
        }

        record OverBudget() implements Result {
        }
    }

    /** A chunked body is copied once more at its end (buffer to array): it costs twice its bytes. */
    private static final int CHUNKED_COPIES = 2;

    private final long limit;
    private final ByteBudget.Lease lease;
    private final int copies;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final byte[] sized;
    private final ByteArrayOutputStream chunked;
    private int length;
    private Subscription subscription;

    private BodyReader(long limit, long declaredLength, ByteBudget.Lease lease, int copies) {
        this.limit = limit;
        this.lease = lease;
        this.copies = copies;
        this.sized = declaredLength >= 0 ? new byte[(int) declaredLength] : null;
        this.chunked = declaredLength >= 0 ? null : new ByteArrayOutputStream();
    }

    /**
     * The body's bytes, or why not. {@code declaredLength} is the Content-Length (negative when chunked), already
     * held in {@code lease} × {@code copies}; it must not exceed {@code limit}.
     */
    static CompletableFuture<Result> read(ByteBody body, long limit, long declaredLength, ByteBudget.Lease lease,
                                          int copies) {
        BodyReader reader = new BodyReader(limit, declaredLength, lease, copies);
        body.toByteArrayPublisher().subscribe(reader);
        return reader.result;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(byte[] chunk) {
        if (result.isDone()) {
            return;
        }
        if (length + (long) chunk.length > (sized != null ? sized.length : limit)) {
            stop(new Result.TooLarge());
            return;
        }
        if (sized != null) {
            System.arraycopy(chunk, 0, sized, length, chunk.length);
        } else if (lease.grow((long) chunk.length * copies * CHUNKED_COPIES)) {
            chunked.write(chunk, 0, chunk.length);
        } else {
            stop(new Result.OverBudget());
            return;
        }
        length += chunk.length;
        subscription.request(1);
    }

    private void stop(Result why) {
        subscription.cancel();
        result.complete(why);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (sized != null && length < sized.length) {
            result.completeExceptionally(new IllegalStateException("The body ended before its Content-Length"));
            return;
        }
        result.complete(new Result.Read(sized != null ? sized : chunked.toByteArray()));
    }
}
