package dev.kiln.controlplane.model;

import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.InvalidModelException;
import dev.kiln.protocol.ModelDescriptor;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Loads an uploaded file with ONNX Runtime once (DESIGN §5) and returns its descriptor, in a child JVM
 * ({@link InspectMain}) with its own heap, direct-memory and address-space limits and a wall-clock timeout (DESIGN
 * §1: untrusted model files are inspected in a separate, memory- and time-limited process). Past a limit the child
 * dies alone and the upload is a 422. Two at a time, which also bounds the memory they take together.
 */
@Singleton
class ModelValidator {

    private static final long STACK_BYTES = 16L * 1024 * 1024;

    private final UploadConfig uploads;
    private final InspectionConfig limits;
    private final JsonMapper json;
    private final Semaphore slots = new Semaphore(2);

    ModelValidator(UploadConfig uploads, InspectionConfig limits, JsonMapper json) {
        this.uploads = uploads;
        this.limits = limits;
        this.json = json;
    }

    ModelDescriptor inspect(Path file, DescriptorOverrides overrides) throws InvalidModelException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(uploads.tempDir(), "inspect-");
            Path overridesFile = Files.write(dir.resolve("overrides.json"), json.writeValueAsBytes(overrides));
            Path result = dir.resolve("result");
            slots.acquire();
            try {
                return run(file, overridesFile, result, dir.resolve("child.log"));
            } finally {
                slots.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while inspecting the model", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private ModelDescriptor run(Path file, Path overridesFile, Path result, Path log)
            throws IOException, InterruptedException, InvalidModelException {
        ProcessBuilder builder = new ProcessBuilder(command(file, overridesFile, result))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // One malloc arena per thread would reserve 64 MB of address space each; the limit is for the model.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().put("KILN_INSPECT_VM_KB", Long.toString(limits.addressSpace() / 1024));
        Process child = builder.start();
        if (!child.waitFor(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly().waitFor();
            throw new InspectionLimitException("Inspecting the model took longer than its limit of "
                    + limits.timeout().toSeconds() + " s.");
        }
        return switch (child.exitValue()) {
            case 0 -> json.readValue(Files.readAllBytes(result), ModelDescriptor.class);
            case InspectMain.INVALID -> throw new InvalidModelException(Files.readString(result));
            case InspectMain.OUT_OF_MEMORY -> throw new InspectionLimitException("Running the model needs more "
                    + "memory than its inspection may use (" + limits.addressSpace() / (1024 * 1024) + " MB).");
            default -> throw new InspectionLimitException("Inspecting the model went past its memory limit ("
                    + limits.heap() / (1024 * 1024) + " MB heap, " + limits.addressSpace() / (1024 * 1024)
                    + " MB address space) or crashed (exit " + child.exitValue() + ").");
        };
    }

    /** The child JVM under {@code ulimit -v}, with the launcher's own classpath and a stack ORT can live with. */
    private List<String> command(Path file, Path overridesFile, Path result) {
        return List.of("/bin/sh", "-c", "ulimit -v \"$KILN_INSPECT_VM_KB\" && exec \"$@\"", "inspect",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + limits.heap(), "-XX:MaxDirectMemorySize=" + limits.directMemory(),
                "-Xss" + STACK_BYTES, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=32m", "-XX:CompressedClassSpaceSize=64m",
                "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                // No logging framework: starting logback (and parsing its XML) was ~15 % of the child's CPU time.
                "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
                "-cp", System.getProperty("java.class.path"), InspectMain.class.getName(),
                file.toString(), overridesFile.toString(), result.toString(), uploads.ortCache().toString());
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // scratch space: a leftover is harmless
        }
    }
}
