package dev.kiln.controlplane.capture;

import io.micronaut.http.body.ByteBody;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A streamed request body read whole up to a limit, one chunk requested at a time (the sender waits while this
 * side is slow, nothing piles up), and abandoned as soon as it passes the limit.
 */
final class BoundedBody implements Subscriber<byte[]> {

    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
    private Subscription subscription;

    private BoundedBody(long limit) {
        this.limit = limit;
    }

    /** The body's bytes, or empty when it is longer than {@code limit}. */
    static CompletableFuture<Optional<byte[]>> read(ByteBody body, long limit) {
        BoundedBody reader = new BoundedBody(limit);
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
        if (bytes.size() + (long) chunk.length > limit) {
            subscription.cancel();
            result.complete(Optional.empty());
            return;
        }
        bytes.writeBytes(chunk);
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(new Unreadable(t));
    }

    /** The body broke off or could not be read. */
    static final class Unreadable extends RuntimeException {
        Unreadable(Throwable cause) {
            super(cause);
        }
    }

    @Override
    public void onComplete() {
        result.complete(Optional.of(bytes.toByteArray()));
    }
}
