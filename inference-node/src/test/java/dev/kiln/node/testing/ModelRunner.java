package dev.kiln.node.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.node.adapters.OutputAdapter;
import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.imaging.DecodedImage;
import dev.kiln.node.imaging.ImageDecoder;
import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.imaging.PixelBudget;
import dev.kiln.node.imaging.PreparedInput;
import dev.kiln.node.imaging.Preprocessor;
import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.node.runtime.RuntimeConfig;
import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.onnx.Ort;
import dev.kiln.protocol.ModelDescriptor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a sample model the way the node does (inspector's descriptor, the node's preprocessing and adapter), without
 * the HTTP and queueing around it, so adapter tests see exactly what the service would.
 */
public final class ModelRunner implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelDescriptor descriptor;
    private final ImageDecoder decoder = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(Long.MAX_VALUE));
    private final DirectBufferPool buffers = new DirectBufferPool(2);

    public ModelRunner(String sample) throws Exception {
        this(SampleModels.path(sample), DescriptorOverrides.NONE);
    }

    /** Any model file, e.g. one made by {@link OnnxModelWriter}, described by the inspector with {@code overrides}. */
    public ModelRunner(Path model, DescriptorOverrides overrides) throws Exception {
        this.env = Ort.environment(new RuntimeConfig(null, 0, 0, false).ortCacheDir());
        this.descriptor = ModelInspector.inspect(model, overrides);
        this.session = env.createSession(model.toString(), new OrtSession.SessionOptions());
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Decodes the encoded image as the service does and runs it through {@code adapter}. */
    public Result run(byte[] encoded, OutputAdapter adapter) throws Exception {
        try (DecodedImage image = decoder.decode(encoded,
                (w, h) -> Preprocessor.jpegReduction(descriptor.input(), descriptor.options(), w, h), Duration.ZERO)) {
            return run(image, adapter);
        }
    }

    public Result run(DecodedImage image, OutputAdapter adapter) throws Exception {
        try (PreparedInput input = Preprocessor.prepare(image, descriptor.input(), descriptor.options(), buffers);
             OnnxTensor tensor = OnnxTensor.createTensor(env, input.tensor().buffer().asFloatBuffer(),
                     input.tensor().shape());
             OrtSession.Result outputs = session.run(Map.of(input.tensor().name(), tensor))) {
            List<Prediction> predictions = adapter.decode(ModelOutputs.of(outputs), descriptor, input.geometry());
            float[] rawBoxes = outputs.get("boxes").isPresent()
                    ? ((OnnxTensor) outputs.get("boxes").get()).getFloatBuffer().array() : new float[0];
            return new Result(predictions, input.tensor().shape(), rawBoxes);
        }
    }

    public record Result(List<Prediction> predictions, long[] tensorShape, float[] rawBoxes) {
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
