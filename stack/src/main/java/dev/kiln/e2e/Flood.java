package dev.kiln.e2e;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flood of issue 14, shared by the end-to-end test and {@code ./kiln bench flood}: many clients sending
 * ~16 MB base64 JPEG predictions to one deployment while another tenant calls its own deployment at a steady
 * rate, then a burst of anonymous 10 MB login bodies of which only the first bytes are ever sent.
 */
public final class Flood {

    /** Status counts; -1 counts a call that got no HTTP answer (connection reset, timeout). */
    public record Result(Map<Integer, Integer> flood, Map<Integer, Integer> tenant, Map<Integer, Integer> logins,
                         Duration loginBurst) {
        public int tenantCalls() {
            return tenant.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int tenantOk() {
            return tenant.getOrDefault(200, 0);
        }
    }

    /** Who is called: the flooded deployment and key, the other tenant's deployment, key and small body. */
    public record Targets(String baseUrl, String floodDeployment, String floodKey, String tenantDeployment,
                          String tenantKey, String tenantBody) {
    }

    private static final long LOGIN_BODY_BYTES = 10L * 1024 * 1024;
    // Two clients, so the other tenant never reuses a connection the server closed after refusing a flood body.
    private final HttpClient floodClient = client();
    private final HttpClient tenantClient = client();

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Runs {@code clients} flooding clients and the other tenant at {@code tenantPerSecond} for {@code duration},
     * then {@code logins} anonymous login bodies at once.
     */
    public Result run(Targets targets, byte[] floodBody, int clients, Duration duration, int tenantPerSecond,
                      int logins) throws InterruptedException {
        Map<Integer, AtomicInteger> flood = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> tenant = new ConcurrentHashMap<>();
        Instant end = Instant.now().plus(duration);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                threads.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        count(flood, post(floodClient, targets.baseUrl() + "/" + targets.floodDeployment() + "/predict",
                                targets.floodKey(), HttpRequest.BodyPublishers.ofByteArray(floodBody)));
                    }
                });
            }
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / tenantPerSecond;
            for (long next = System.nanoTime(); Instant.now().isBefore(end); next += periodNanos) {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the tenant's steady rate
                threads.submit(() -> count(tenant, post(tenantClient, targets.baseUrl() + "/" + targets.tenantDeployment()
                        + "/predict", targets.tenantKey(), HttpRequest.BodyPublishers.ofString(targets.tenantBody()))));
            }
        }
        long started = System.nanoTime();
        Map<Integer, Integer> loginStatuses = loginBurst(targets.baseUrl(), logins);
        return new Result(sorted(flood), sorted(tenant), loginStatuses, Duration.ofNanos(System.nanoTime() - started));
    }

    private static int post(HttpClient http, String url, String key, HttpRequest.BodyPublisher body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(body).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Each login declares 10 MB and sends a few bytes only: an answer at all proves the rest was never awaited. */
    private static Map<Integer, Integer> loginBurst(String baseUrl, int logins) throws InterruptedException {
        URI base = URI.create(baseUrl);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < logins; i++) {
                threads.submit(() -> count(statuses, partialLogin(base)));
            }
        }
        return sorted(statuses);
    }

    private static int partialLogin(URI base) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: "
                    + "application/json\r\nContent-Length: " + LOGIN_BODY_BYTES + "\r\n\r\n{\"username\":\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return statusOf(socket.getInputStream());
        } catch (IOException e) {
            return -1;
        }
    }

    private static int statusOf(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        String[] parts = line.toString(StandardCharsets.ISO_8859_1).split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    /**
     * A predict body of about {@code bytes}: a real JPEG of {@code image}, padded with comment segments (which every
     * decoder skips) to three quarters of that, as base64.
     */
    public static byte[] paddedJpegBody(BufferedImage image, int bytes) {
        byte[] jpeg = jpeg(image);
        ByteArrayOutputStream padded = new ByteArrayOutputStream(bytes);
        padded.write(jpeg, 0, 2); // SOI
        byte[] comment = new byte[65_533];
        for (long left = bytes * 3L / 4 - jpeg.length; left > 0; left -= comment.length + 4) {
            padded.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF}); // COM, length 65535
            padded.writeBytes(comment);
        }
        padded.write(jpeg, 2, jpeg.length - 2);
        return ("{\"image_type\":\"base64\",\"data\":\"" + Base64.getEncoder().encodeToString(padded.toByteArray())
                + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] jpeg(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "jpeg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void count(Map<Integer, AtomicInteger> counts, int status) {
        counts.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    }

    private static Map<Integer, Integer> sorted(Map<Integer, AtomicInteger> counts) {
        Map<Integer, Integer> out = new TreeMap<>();
        counts.forEach((status, count) -> out.put(status, count.get()));
        return out;
    }
}
