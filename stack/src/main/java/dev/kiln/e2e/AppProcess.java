package dev.kiln.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Kiln app started as its own JVM from its module's target/classes and target/classpath.txt. Shared by the
 * end-to-end tests and the benchmark.
 */
public final class AppProcess implements AutoCloseable {
    private static final int PORT_BLOCK = 2000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic.AtomicInteger();

    private final String name;
    private final Process process;
    private final Path log;

    private AppProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param root       the repository root, whose {@code module/target} holds the app
     * @param jvmOptions extra JVM options (heap, GC, JIT)
     * @param log        where stdout and stderr go
     */
    public static AppProcess start(Path root, String name, String module, String mainClass, List<String> jvmOptions,
                                   Map<String, String> env, Path log) {
        Path moduleDir = root.resolve(module);
        try {
            String classpath = moduleDir.resolve("target/classes") + java.io.File.pathSeparator
                    + Files.readString(moduleDir.resolve("target/classpath.txt")).trim();
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classpath, mainClass));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            return new AppProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " (was `mvn package` run?)", e);
        }
    }

    /** Waits until {@code url} answers 200, failing early with the log tail if the process died. */
    public AppProcess awaitHealthy(String url, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                var response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not healthy at " + url + " within " + timeout + ":\n" + logTail());
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as {@code kill -9}: the process gets no chance to clean up. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A port free on loopback now. With {@code -Dkiln.test.port-base=N} (set per test module by the build) ports come
     * in turn from N to N + 1999, below the kernel's ephemeral range: test JVMs of modules built side by side
     * (-T 2) each have their own block, so one never picks a port another has just picked and not yet bound.
     * Without it, an ephemeral port (the bench, ./kiln).
     */
    public static int freePort() {
        int base = Integer.getInteger("kiln.test.port-base", 0);
        if (base <= 0) {
            return bindable(0);
        }
        NEXT_PORT.compareAndSet(0, base);
        for (int port = NEXT_PORT.getAndIncrement(); port < base + PORT_BLOCK; port = NEXT_PORT.getAndIncrement()) {
            if (bindable(port) == port) {
                return port;
            }
        }
        throw new IllegalStateException("no free port left in " + base + ".." + (base + PORT_BLOCK - 1));
    }

    private static int bindable(int port) {
        try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.net.BindException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
