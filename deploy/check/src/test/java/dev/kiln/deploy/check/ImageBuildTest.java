package dev.kiln.deploy.check;

import dev.kiln.onnx.GpuProbe;
import dev.kiln.onnx.OrtNatives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jib image builds (deploy/images, built with -Pimages) checked without building them: they start what ./kiln
 * starts, the way ./kiln starts it, as a non-root user, with ONNX Runtime's natives where the app looks.
 */
class ImageBuildTest {
    /** Where the images carry ONNX Runtime's natives, unpacked by ImageExtras.java at build time. */
    private static final String ORT_CACHE = "/opt/kiln/onnxruntime";

    @ParameterizedTest
    @EnumSource(Apps.class)
    void theImageStartsTheAppsMainClassWithTheJvmFlagsOfTheKilnScript(Apps app) {
        ImageBuild build = ImageBuild.of(app);
        assertThat(build.mainClass()).isEqualTo(app.mainClass());
        assertThat(build.jvmFlags()).containsAll(KilnScript.commonJavaOptions());
        assertThat(build.jvmFlags()).as("the heap follows the container's limit").noneMatch(f -> f.startsWith("-Xmx"))
                .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void theImageRunsAsANumericNonRootUserAndExposesTheApiAndManagementPorts(Apps app) {
        ImageBuild build = ImageBuild.of(app);
        assertThat(build.user()).matches("\\d+:\\d+");
        assertThat(build.uid()).isPositive();
        assertThat(build.ports()).containsExactlyInAnyOrder(app.defaultPort(), app.defaultManagementPort());
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void theImageSetsOnlyVariablesTheAppReadsAndPointsTheOrtCacheAtTheBakedNatives(Apps app) {
        ImageBuild build = ImageBuild.of(app);
        build.environment().keySet().stream().filter(k -> k.startsWith("KILN_"))
                .forEach(k -> assertThat(app.environment()).as(app + " reads " + k).contains(k));
        assertThat(build.environment()).containsEntry("KILN_ORT_CACHE", ORT_CACHE);
        assertThat(build.extraDirectoryTargets()).containsExactly("/");
        assertThat(build.extraSteps()).contains("onnxruntime");
        assertThat(Repo.read(Repo.path("deploy/images/ImageExtras.java")))
                .contains("out.resolve(\"" + ORT_CACHE.substring(1) + "\")");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void anImageWithoutTheCudaProviderNeverAsksForIt(Apps app) {
        ImageBuild build = ImageBuild.of(app);
        String forcedOff = "-D" + GpuProbe.OVERRIDE_PROPERTY + "=false";
        assertThat(build.jvmFlags().contains(forcedOff)).as(app + " forces the GPU probe off exactly when it has no CUDA")
                .isEqualTo(!build.extraSteps().contains("cuda"));
    }

    @Test
    void theControlPlaneImageIsAJre25OnGlibcAndTheNodeImageCuda12WithCudnn9AndItsOwnRuntime() {
        ImageBuild cp = ImageBuild.of(Apps.CONTROL_PLANE);
        assertThat(cp.baseImage()).startsWith("eclipse-temurin:25-jre").doesNotContain("alpine");
        ImageBuild node = ImageBuild.of(Apps.INFERENCE_NODE);
        assertThat(node.baseImage()).matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu[0-9.]+");
        assertThat(node.extraSteps()).contains("cuda", "jre");
        assertThat(node.environment().get("PATH")).startsWith("/opt/java/jre/bin:");
        assertThat(node.environment()).containsEntry("JAVA_HOME", "/opt/java/jre");
        String jreModules = node.extraSteps().get(node.extraSteps().indexOf("jre") + 1);
        assertThat(List.of(jreModules.split(","))).contains("java.se", "jdk.unsupported", "jdk.management");
    }

    /**
     * Runs the image build's own preparation step (ImageExtras.java, as the pom runs it) and then starts ONNX
     * Runtime the way the apps do, on that directory: it must find every library in place and write nothing.
     */
    @Test
    void theNativesUnpackedAtImageBuildAreTheOnesTheAppsLoadWithoutWritingAnything(@TempDir Path out)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                Repo.path("deploy/images/ImageExtras.java").toString(), out.toString(), "onnxruntime")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        Path cache = out.resolve(ORT_CACHE.substring(1));
        Map<Path, Long> before = snapshot(cache);
        assertThat(before.keySet()).anyMatch(f -> f.getFileName().toString().equals("libonnxruntime.so"));

        Path loaded = OrtNatives.prepare(cache);

        assertThat(loaded.getParent()).isEqualTo(cache.toAbsolutePath());
        assertThat(snapshot(cache)).isEqualTo(before);
    }

    private static Map<Path, Long> snapshot(Path dir) throws IOException {
        Map<Path, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(f), Files.getLastModifiedTime(f).toMillis());
            }
        }
        return files;
    }
}
