package dev.kiln.onnx;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class OrtNativesTest {

    @Test
    void nativesAreUnpackedOnceAndOnnxRuntimeLoadsThemFromTheCache() {
        SampleModels.natives();
        Path dir = OrtNatives.prepare(Path.of("target", "elsewhere"));

        assertThat(dir).isEqualTo(Path.of("target", "ort-cache").toAbsolutePath().resolve(dir.getFileName()));
        assertThat(System.getProperty(OrtNatives.NATIVE_PATH_PROPERTY)).isEqualTo(dir.toString());
        assertThat(dir.resolve("libonnxruntime.so")).exists();
        assertThat(dir.resolve("libonnxruntime4j_jni.so")).exists();
        // No GPU on this machine: the 582 MB CUDA provider must not be unpacked.
        assertThat(Files.exists(dir.resolve("libonnxruntime_providers_cuda.so"))).isEqualTo(GpuProbe.present());
        assertThat(OrtEnvironment.getEnvironment().getVersion()).isNotBlank();
    }
}
