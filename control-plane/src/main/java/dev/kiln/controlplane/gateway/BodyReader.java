package dev.kiln.controlplane.gateway;

import io.micronaut.http.body.ByteBody;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Collects a streamed request body up to a limit, counting bytes as they arrive (a missing or lying
 * Content-Length cannot get more through), and stops reading as soon as the limit is passed.
 */
final class BodyReader implements Subscriber<byte[]> {

    private final long limit;
    private final CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Subscription subscription;

    private BodyReader(long limit) {
        this.limit = limit;
    }

    /** The body's bytes, or empty when it is larger than {@code limit}. */
    static CompletableFuture<Optional<byte[]>> read(ByteBody body, long limit) {
        BodyReader reader = new BodyReader(limit);
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
        if (buffer.size() + (long) chunk.length > limit) {
            subscription.cancel();
            result.complete(Optional.empty());
            return;
        }
        buffer.write(chunk, 0, chunk.length);
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(Optional.of(buffer.toByteArray()));
    }
}
