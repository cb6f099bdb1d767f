package dev.kiln.node.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.onnx.GpuProbe;
import dev.kiln.onnx.Ort;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens ONNX Runtime sessions tuned for concurrent serving: CPU here, CUDA on the assigned GPUs where present. */
@Singleton
public final class OrtRuntime {
    private final RuntimeConfig config;
    private final OrtEnvironment env;
    private final boolean gpuPresent;

    public OrtRuntime(RuntimeConfig config) {
        this.config = config;
        this.env = Ort.environment(config.ortCacheDir());
        this.gpuPresent = GpuProbe.present();
    }

    public OrtEnvironment environment() {
        return env;
    }

    /**
     * One session per assigned GPU (requests are spread over them), or one CPU session when none is assigned.
     *
     * @throws ModelLoadException when GPUs are assigned but this node has none: a GPU deployment never silently
     *                            becomes a CPU one
     */
    public List<OrtSession> open(Path model, List<Integer> gpuIndices) throws ModelLoadException {
        if (!gpuIndices.isEmpty() && !gpuPresent) {
            throw new ModelLoadException("GPUs " + gpuIndices + " were assigned but this node has no usable GPU.");
        }
        List<OrtSession> sessions = new ArrayList<>();
        try {
            if (gpuIndices.isEmpty()) {
                sessions.add(open(model, (Integer) null));
            }
            for (Integer gpu : gpuIndices) {
                sessions.add(open(model, gpu));
            }
            return sessions;
        } catch (OrtException e) {
            sessions.forEach(OrtRuntime::closeQuietly);
            throw new ModelLoadException("The model could not be loaded: " + firstLine(e.getMessage()), e);
        }
    }

    private OrtSession open(Path model, Integer gpu) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(config.intraOp());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", config.allowSpinning() ? "1" : "0");
            if (gpu != null) {
                options.addCUDA(gpu);
            }
            return env.createSession(model.toString(), options);
        }
    }

    static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // Closing frees native memory; a failure here leaves nothing the caller could do.
        }
    }

    static String firstLine(String message) {
        String s = String.valueOf(message);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
