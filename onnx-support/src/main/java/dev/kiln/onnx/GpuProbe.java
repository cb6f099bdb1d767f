package dev.kiln.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells whether this machine has an NVIDIA GPU, cheaply: asking ONNX Runtime for CUDA where there is none
 * throws only after seconds, so CUDA is tried only where the driver shows a device.
 */
public final class GpuProbe {
    /** System property that forces the answer (labs and tests): {@code true} or {@code false}. */
    public static final String OVERRIDE_PROPERTY = "kiln.gpu.present";

    private GpuProbe() {
    }

    public static boolean present() {
        String forced = System.getProperty(OVERRIDE_PROPERTY);
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        return Files.exists(Path.of("/dev/nvidia0")) || Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"));
    }
}
