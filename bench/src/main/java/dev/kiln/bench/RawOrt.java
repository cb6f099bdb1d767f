package dev.kiln.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.onnx.Ort;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline: the same model run by ONNX Runtime in this process, one session shared by the client threads, fed a
 * tensor made once from the same JPEG. No HTTP, decoding or preprocessing: the cost Kiln adds is the difference.
 * Tuned for the concurrency it serves (the cores shared out between concurrent runs, no spinning once runs
 * overlap), so Kiln is compared with ONNX Runtime at its best rather than with its defaults.
 */
final class RawOrt implements AutoCloseable {
    private final OrtSession session;
    private final OnnxTensor input;
    private final String inputName;

    /** @param cores the cores it may use (one when pinned) */
    RawOrt(Path ortCache, Path model, FloatBuffer data, long[] shape, int concurrency, int cores)
            throws OrtException {
        OrtEnvironment env = Ort.environment(ortCache);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(Math.max(1, cores / concurrency));
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", concurrency == 1 ? "1" : "0");
            this.session = env.createSession(model.toString(), options);
        }
        this.inputName = session.getInputNames().iterator().next();
        this.input = OnnxTensor.createTensor(env, data, shape);
    }

    /** One run; outputs are read (as the node's adapters read them) and released. */
    int run() throws OrtException {
        try (OrtSession.Result result = session.run(Map.of(inputName, input))) {
            for (var output : result) {
                if (output.getValue() instanceof OnnxTensor t) {
                    t.getByteBuffer();
                }
            }
        }
        return 200;
    }

    @Override
    public void close() throws OrtException {
        input.close();
        session.close();
    }
}
