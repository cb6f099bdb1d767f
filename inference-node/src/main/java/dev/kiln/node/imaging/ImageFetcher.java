package dev.kiln.node.imaging;

import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code image_type: url}: fetches an image over http(s) with a size cap and an overall time cap, following at most a
 * few redirects and checking every target's addresses, so a request cannot make the node reach its own network.
 */
@Singleton
public final class ImageFetcher {
    private final ImagingConfig config;
    private final HttpClient client;

    public ImageFetcher(ImagingConfig config) {
        this.config = config;
        // Redirects are followed by hand so each target is checked before it is contacted.
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.urlConnectTimeout())
                .build();
    }

    public byte[] fetch(String url) {
        long deadline = System.nanoTime() + config.urlTimeout().toNanos();
        URI target = parse(url);
        for (int redirects = 0; ; redirects++) {
            checkTarget(target);
            HttpResponse<byte[]> response = send(target, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                if (redirects >= config.urlMaxRedirects()) {
                    throw unreachable("The image URL redirected more than " + config.urlMaxRedirects() + " times.");
                }
                target = redirectTarget(target, response);
                continue;
            }
            if (status != 200) {
                throw unreachable("The image URL answered HTTP " + status + ".");
            }
            return response.body();
        }
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw ImageRejectedException.invalid("Only http and https image URLs are allowed.", "value_error.url");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw ImageRejectedException.invalid("The image URL has no host.", "value_error.url");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ImageRejectedException.invalid("The image URL is not a valid URL.", "value_error.url");
        }
    }

    private void checkTarget(URI uri) {
        if (config.allowPrivateUrls()) {
            return;
        }
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw unreachable("The image URL's host " + host + " could not be resolved.");
        }
        // Every address must be public: the HTTP client resolves again (normally from the JVM's DNS cache) and may
        // use any of them.
        for (InetAddress address : addresses) {
            if (!AddressGuard.isPublic(address)) {
                throw ImageRejectedException.invalid("The image URL points at a loopback, private, link-local or "
                        + "metadata address, which is not allowed.", "value_error.url");
            }
        }
    }

    private static URI redirectTarget(URI from, HttpResponse<?> response) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
            throw unreachable("The image URL redirected without a Location.");
        }
        try {
            return parse(from.resolve(new URI(location.get().trim())).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw unreachable("The image URL redirected to an invalid location.");
        }
    }

    private HttpResponse<byte[]> send(URI uri, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timedOut();
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .timeout(java.time.Duration.ofNanos(remaining))
                .header("Accept", "image/*")
                .header("User-Agent", "kiln-node")
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, this::capped);
        try {
            return exchange.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw timedOut();
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw unreachable("The image URL fetch was interrupted.");
        } catch (ExecutionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof ImageRejectedException rejected) {
                    throw rejected;
                }
            }
            if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
                throw timedOut();
            }
            throw unreachable("The image URL could not be fetched: " + describe(e.getCause()) + ".");
        }
    }

    /** Redirects and errors are read as nothing; images must say they are images and stay under the cap. */
    private HttpResponse.BodySubscriber<byte[]> capped(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        if (status != 200) {
            return HttpResponse.BodySubscribers.replacing(new byte[0]);
        }
        String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).trim();
        if (!type.startsWith("image/")) {
            return failing(ImageRejectedException.invalid("The image URL returned content of type '"
                    + (type.isEmpty() ? "none" : type) + "', not an image.", "value_error.url"));
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > config.urlMaxBytes()) {
            return failing(tooBig());
        }
        return new CappedSubscriber(config.urlMaxBytes());
    }

    private ImageRejectedException tooBig() {
        return ImageRejectedException.tooLarge("The image at the URL is larger than " + config.urlMaxBytes()
                + " bytes.");
    }

    private static HttpResponse.BodySubscriber<byte[]> failing(RuntimeException error) {
        CompletableFuture<byte[]> failed = CompletableFuture.failedFuture(error);
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public CompletionStage<byte[]> getBody() {
                return failed;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }

    private static ImageRejectedException unreachable(String message) {
        return ImageRejectedException.invalid(message, "value_error.url");
    }

    private ImageRejectedException timedOut() {
        return unreachable("The image URL did not answer within " + config.urlTimeout().toMillis() + " ms.");
    }

    /**
     * A plain reason for the client. Not the exception's message or class: the client's HTTP stack words those
     * (a bare "ConnectException" when there is no message), and they belong in no answer.
     */
    private static String describe(Throwable cause) {
        return cause instanceof java.net.ConnectException ? "the connection could not be made"
                : "the connection failed or broke off";
    }

    /** Accumulates the body and gives up (cancelling the download) once it passes the cap. */
    private final class CappedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final long cap;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedSubscriber(long cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > cap) {
                    subscription.cancel();
                    body.completeExceptionally(tooBig());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable instanceof IOException ? throwable : new IOException(throwable));
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
