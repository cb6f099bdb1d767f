package dev.kiln.controlplane.support;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Adobe's S3Mock, a real S3-protocol server, run from its executable jar (copied to {@code target/s3mock} by the
 * build) as a process of its own, with one bucket; stopped on {@link #close()}.
 */
public final class S3MockServer implements AutoCloseable {
    private static final Path JAR = Path.of("target", "s3mock", "s3mock.jar");

    private final Process process;
    private final int port;

    private S3MockServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static S3MockServer start(String bucket) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the build copies it (mvn test)");
        }
        int http = freePort();
        int https = freePort();
        try {
            Path root = Files.createTempDirectory("s3mock");
            Path log = Files.createDirectories(Path.of("target", "s3mock")).resolve("s3mock-" + http + ".log");
            Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(),
                    "--com.adobe.testing.s3mock.httpPort=" + http, "--server.port=" + https,
                    "--com.adobe.testing.s3mock.store.initialBuckets=" + bucket,
                    "--com.adobe.testing.s3mock.store.root=" + root))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            S3MockServer server = new S3MockServer(process, http);
            server.awaitBucket(bucket, log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitBucket(String bucket, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest head = HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> !process.isAlive()
                            || http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            close();
            throw new IllegalStateException("S3Mock did not serve bucket " + bucket + "; see " + log.toAbsolutePath(), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("S3Mock exited; see " + log.toAbsolutePath());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
