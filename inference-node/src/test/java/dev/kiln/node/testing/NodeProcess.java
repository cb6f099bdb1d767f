package dev.kiln.node.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A node started by {@link ServingNodeMain} in its own JVM, so a test can give it a small heap and watch it survive
 * (or not) without taking the test JVM with it. Its output goes to a log under {@code target/}.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile(ServingNodeMain.READY + " port=(\\d+) instance=(\\S+)");
    private final Process process;
    private final Path log;
    private final int port;
    private final int managementPort;
    private final UUID instanceId;

    private NodeProcess(Process process, Path log, int port, int managementPort, UUID instanceId) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
        this.instanceId = instanceId;
    }

    /**
     * @param jvmOptions heap and the like
     * @param properties node configuration, as system properties
     */
    public static NodeProcess start(String sample, int maxQueue, long timeoutMs, List<String> jvmOptions,
                                    Map<String, String> properties) {
        // Below the ephemeral range, as application-test.yml draws its ports.
        int managementPort = ThreadLocalRandom.current().nextInt(26_000, 32_000);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "-Dmicronaut.server.port=-1", "-Dendpoints.all.port=" + managementPort,
                "-Dkiln.node.agent-enabled=false"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServingNodeMain.class.getName(), sample,
                String.valueOf(maxQueue), String.valueOf(timeoutMs)));
        try {
            Path log = Files.createTempFile(Path.of("target"), "node-process-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Matcher ready = await().atMost(Duration.ofMinutes(2)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node exited with " + process.exitValue() + ":\n"
                            + Files.readString(log));
                }
                return READY.matcher(Files.readString(log));
            }, Matcher::find);
            return new NodeProcess(process, log, Integer.parseInt(ready.group(1)), managementPort,
                    UUID.fromString(ready.group(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public UUID instanceId() {
        return instanceId;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
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
            process.destroyForcibly();
        }
    }
}
